import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import type { EnrollmentRejectionReason } from '@rapport/domain';
import { enumFromList } from '../../common/graphql-enum';

// The domain names these only as a type; the list keeps the enum in step with it.
const enrollmentRejectionReasons = [
  'INVALID_EMAIL',
  'DUPLICATE_IN_BATCH',
  'ALREADY_ENROLLED',
  'MISSING_NAME',
  'FIELD_TOO_LONG',
  'INVALID_GRADUATION_YEAR',
  'DUPLICATE_EXTERNAL_ID',
  'EXTERNAL_ID_TAKEN',
] as const satisfies readonly EnrollmentRejectionReason[];

export const EnrollmentRejectionReasonEnum = enumFromList(
  'EnrollmentRejectionReason',
  enrollmentRejectionReasons,
  'Why a roster row was not enrolled',
);

@ObjectType({ description: 'A group of students working through the program together' })
export class Cohort {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field({ description: 'Free label such as "Fall 2025"' })
  term!: string;

  @Field({ description: 'YYYY-MM-DD' })
  startDate!: string;

  @Field({ description: 'YYYY-MM-DD' })
  endDate!: string;

  @Field(() => Int, {
    nullable: true,
    description: "Replaces the institution's interview target for this cohort",
  })
  interviewTargetOverride!: number | null;

  @Field(() => Boolean, {
    description: 'Whether students enrolled from now on get a welcome email',
  })
  welcomeEmails!: boolean;

  @Field(() => [ID], { description: 'Staff ids of the advisors assigned to the cohort' })
  advisorIds!: string[];

  @Field(() => [ID], {
    nullable: true,
    description: 'Currently enrolled students; null for students, who see no roster',
  })
  studentIds!: string[] | null;

  @Field(() => Int)
  enrolledCount!: number;

  @Field(() => Int, { description: 'Pass as expectedVersion to change it only if nobody else did' })
  version!: number;
}

@ObjectType()
export class CohortPayload {
  @Field(() => String, { nullable: true })
  clientMutationId!: string | null;

  @Field(() => Cohort)
  cohort!: Cohort;
}

@ObjectType({ description: 'A roster row that was enrolled' })
export class AcceptedEnrollment {
  @Field(() => Int, { description: 'Zero-based index of the row in the upload' })
  row!: number;

  @Field(() => ID)
  studentId!: string;

  @Field()
  name!: string;

  @Field({ description: 'Trimmed and lower-cased' })
  email!: string;
}

@ObjectType({ description: 'A roster row that was not enrolled, and why' })
export class RejectedEnrollment {
  @Field(() => Int, { description: 'Zero-based index of the row in the upload' })
  row!: number;

  @Field()
  email!: string;

  @Field(() => EnrollmentRejectionReasonEnum)
  reason!: EnrollmentRejectionReason;
}

@ObjectType()
export class EnrollStudentsPayload {
  @Field(() => String, { nullable: true })
  clientMutationId!: string | null;

  @Field(() => Cohort)
  cohort!: Cohort;

  @Field(() => [AcceptedEnrollment])
  accepted!: AcceptedEnrollment[];

  @Field(() => [RejectedEnrollment])
  rejected!: RejectedEnrollment[];
}
