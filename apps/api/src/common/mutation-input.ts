import { Field, InputType, Int } from '@nestjs/graphql';
import { IsInt, IsOptional, IsString, Length, Min } from 'class-validator';

/** What every mutation input carries besides its own fields. */
@InputType({ isAbstract: true })
export abstract class MutationInput {
  @Field({
    nullable: true,
    description:
      'Send the same value when retrying: the first result is returned, nothing is recorded twice',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  clientMutationId?: string;

  @Field(() => Int, {
    nullable: true,
    description: 'The version you last saw; a newer one fails with CONFLICT',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  expectedVersion?: number;
}
