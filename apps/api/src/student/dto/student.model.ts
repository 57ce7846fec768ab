import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { type DigestPreference, digestPreferences } from '@rapport/domain';
import { type Role, ROLES } from '../../auth/actor';
import { enumFromList } from '../../common/graphql-enum';

export const DigestPreferenceEnum = enumFromList(
  'DigestPreference',
  digestPreferences,
  'Whether the student receives the weekly digest email',
);

export const RoleEnum = enumFromList('Role', ROLES, 'What the caller may do in their institution');

@ObjectType({ description: "A stay on a cohort's roster" })
export class Enrolment {
  @Field(() => ID)
  cohortId!: string;

  @Field(() => Date, {
    nullable: true,
    description: 'When the student was enrolled; null for a record kept before stays were',
  })
  from!: Date | null;

  @Field(() => Date, {
    nullable: true,
    description:
      'When they left the roster (withdrawn, or enrolled in another cohort); null while on it',
  })
  to!: Date | null;
}

@ObjectType({ description: 'A student of the institution, in one cohort at a time' })
export class Student {
  @Field(() => ID)
  id!: string;

  @Field(() => ID, { description: 'The current cohort: the one of the latest enrolment' })
  cohortId!: string;

  @Field(() => [Enrolment], { description: 'Every enrolment of the student, oldest first' })
  enrolments!: Enrolment[];

  @Field()
  name!: string;

  @Field({ description: 'The confirmed address: the one mail goes to' })
  email!: string;

  /** Not a field here: StudentResolver.pendingEmail shows it to the student and admins only. */
  pendingEmail!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "The institution's own id for the student, from the roster; sign-in may match it",
  })
  externalId!: string | null;

  @Field(() => String, { nullable: true, description: 'The program, from the roster' })
  program!: string | null;

  @Field(() => Int, {
    nullable: true,
    description: 'The expected graduation year, from the roster',
  })
  graduationYear!: number | null;

  @Field(() => [String])
  careerInterests!: string[];

  @Field(() => DigestPreferenceEnum)
  digestPreference!: DigestPreference;

  @Field(() => Int, { description: 'Pass as expectedVersion to change it only if nobody else did' })
  version!: number;
}

@ObjectType()
export class StudentPayload {
  @Field(() => String, { nullable: true })
  clientMutationId!: string | null;

  @Field(() => Student)
  student!: Student;
}

@ObjectType({ description: 'Who the bearer token says the caller is' })
export class Me {
  @Field({ description: 'The token subject; an advisor id for advisors' })
  subject!: string;

  @Field(() => RoleEnum)
  role!: Role;

  @Field(() => ID, { description: 'The institution (tenant) id' })
  tenantId!: string;

  @Field(() => Student, { nullable: true, description: 'For students: their own record' })
  student!: Student | null;
}
