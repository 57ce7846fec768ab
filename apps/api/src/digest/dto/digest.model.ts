import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'A digest message that could not be delivered' })
export class DeadDigest {
  @Field(() => ID) messageId!: string;
  @Field() recipientKind!: string;
  @Field(() => ID) recipientId!: string;
  @Field() to!: string;
  @Field(() => Int) attempts!: number;
  @Field(() => String, { nullable: true }) lastError!: string | null;
}

@ObjectType({ description: "One ISO week's digest run of the institution" })
export class DigestRun {
  @Field({ description: 'ISO week, e.g. 2026-W48' }) week!: string;
  @Field(() => Date, { nullable: true }) startedAt!: Date | null;
  @Field(() => Date, { nullable: true }) completedAt!: Date | null;
  @Field(() => Int) scheduled!: number;
  @Field(() => Int) sent!: number;
  @Field(() => Int, { description: 'Not attempted yet' }) pending!: number;
  @Field(() => Int, { description: 'Failed at least once, will be retried' }) failed!: number;
  @Field(() => Int) dead!: number;
  @Field(() => [DeadDigest]) deadMessages!: DeadDigest[];
}
