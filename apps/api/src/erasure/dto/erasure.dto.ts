import {
  Field,
  GraphQLISODateTime,
  ID,
  InputType,
  ObjectType,
  registerEnumType,
} from '@nestjs/graphql';
import { type ErasureReason } from '@rapport/domain';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';

/** GraphQL names in capitals, the domain's values underneath. */
export const ErasureReasonEnum = {
  REQUEST: 'request',
  RETENTION: 'retention',
  INSTITUTION: 'institution',
} as const satisfies Record<string, ErasureReason>;
registerEnumType(ErasureReasonEnum, {
  name: 'ErasureReason',
  description:
    "Why a person is erased: their own request, the institution's retention period, or the institution's decision",
});

/** Erasure is not a versioned edit: erasing twice is a no-op, so no expectedVersion here. */
@InputType({ isAbstract: true })
abstract class ErasureInput {
  @Field({ nullable: true, description: 'Send the same value when retrying' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  clientMutationId?: string;

  @Field(() => ErasureReasonEnum)
  @IsIn(Object.values(ErasureReasonEnum))
  reason!: ErasureReason;
}

@InputType()
export class EraseStudentInput extends ErasureInput {
  @Field(() => ID)
  @IsString()
  @Length(1, 100)
  studentId!: string;
}

@InputType()
export class EraseStaffMemberInput extends ErasureInput {
  @Field(() => ID)
  @IsString()
  @Length(1, 100)
  staffId!: string;
}

@ObjectType({ description: 'The person is erased; erasing them again answers the same' })
export class StudentErasure {
  @Field(() => String, { nullable: true })
  clientMutationId!: string | null;

  @Field(() => ID)
  studentId!: string;

  @Field(() => GraphQLISODateTime, { description: 'When the erasure was recorded (the first one)' })
  erasedAt!: Date;

  @Field({
    description:
      'False when the read models had not yet caught up within the bounded wait; they will shortly',
  })
  caughtUp!: boolean;
}

@ObjectType({ description: 'The staff member is erased; erasing them again answers the same' })
export class StaffMemberErasure {
  @Field(() => String, { nullable: true })
  clientMutationId!: string | null;

  @Field(() => ID)
  staffId!: string;

  @Field(() => GraphQLISODateTime)
  erasedAt!: Date;
}
