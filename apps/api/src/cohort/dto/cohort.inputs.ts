import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { MAX_ENROLLMENT_ROWS } from '@rapport/domain';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  Length,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { MutationInput } from '../../common/mutation-input';

@InputType()
export class CreateCohortInput extends MutationInput {
  @Field()
  @IsString()
  @Length(1, 200)
  name!: string;

  @Field({ description: 'Free label such as "Fall 2025"' })
  @IsString()
  @Length(1, 200)
  term!: string;

  @Field({ description: 'YYYY-MM-DD' })
  @IsString()
  @MaxLength(10)
  startDate!: string;

  @Field({ description: 'YYYY-MM-DD' })
  @IsString()
  @MaxLength(10)
  endDate!: string;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  interviewTargetOverride?: number | null;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: true,
    description: 'Whether students enrolled from now on get a welcome email',
  })
  @IsOptional()
  @IsBoolean()
  welcomeEmails?: boolean | null;
}

/** Absent fields keep their value; `interviewTargetOverride: null` clears it. */
@InputType()
export class UpdateCohortInput extends MutationInput {
  @Field(() => ID)
  @IsString()
  @Length(1, 100)
  cohortId!: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  term?: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(10)
  startDate?: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(10)
  endDate?: string;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  interviewTargetOverride?: number | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Turns welcome emails to students enrolled from now on off or back on',
  })
  @IsOptional()
  @IsBoolean()
  welcomeEmails?: boolean | null;
}

@InputType()
export class AssignAdvisorInput extends MutationInput {
  @Field(() => ID)
  @IsString()
  @Length(1, 100)
  cohortId!: string;

  @Field(() => ID, {
    description: 'The staff id of an invited or active advisor or admin (see `staff`)',
  })
  @IsString()
  @Length(1, 100)
  advisorId!: string;
}

@InputType()
export class UnassignAdvisorInput extends MutationInput {
  @Field(() => ID)
  @IsString()
  @Length(1, 100)
  cohortId!: string;

  @Field(() => ID, { description: 'An id listed in the cohort’s advisorIds' })
  @IsString()
  @Length(1, 100)
  advisorId!: string;
}

/** Bad names and emails are reported per row, not rejected here: good rows still enrol. */
@InputType()
export class EnrollmentRowInput {
  @Field()
  @IsString()
  @MaxLength(200)
  name!: string;

  @Field()
  @IsString()
  @MaxLength(320)
  email!: string;

  @Field(() => String, {
    nullable: true,
    description: "The institution's own id for the student (unique in the institution)",
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  externalId?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(400)
  program?: string | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  graduationYear?: number | null;
}

@InputType()
export class EnrollStudentsInput extends MutationInput {
  @Field(() => ID)
  @IsString()
  @Length(1, 100)
  cohortId!: string;

  @Field(() => [EnrollmentRowInput], { description: `At most ${MAX_ENROLLMENT_ROWS} rows` })
  @IsArray()
  @ArrayMaxSize(MAX_ENROLLMENT_ROWS)
  @ValidateNested({ each: true })
  @Type(() => EnrollmentRowInput)
  rows!: EnrollmentRowInput[];
}

@InputType()
export class WithdrawStudentInput extends MutationInput {
  @Field(() => ID)
  @IsString()
  @Length(1, 100)
  cohortId!: string;

  @Field(() => ID)
  @IsString()
  @Length(1, 100)
  studentId!: string;
}
