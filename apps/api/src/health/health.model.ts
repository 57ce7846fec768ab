import { Field, Float, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum DatabaseMode {
  server = 'server',
  embedded = 'embedded',
}
registerEnumType(DatabaseMode, {
  name: 'DatabaseMode',
  description: 'PostgreSQL server, or PGlite embedded in the API process',
});

@ObjectType()
export class ProjectionHealth {
  @Field()
  name!: string;

  @Field({ description: 'inline (in the append transaction) or async (fed from a checkpoint)' })
  mode!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Checkpoint as "transactionId/globalPosition"',
  })
  position!: string | null;

  @Field(() => Int, { description: 'Committed events not yet applied' })
  lagEvents!: number;

  @Field(() => Float, { description: 'Age of the oldest event not yet applied' })
  lagSeconds!: number;
}

@ObjectType()
export class Health {
  @Field()
  status!: string;

  @Field(() => DatabaseMode)
  databaseMode!: DatabaseMode;

  @Field(() => [ProjectionHealth])
  projections!: ProjectionHealth[];
}
