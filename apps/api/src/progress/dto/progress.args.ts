import {
  ArgsType,
  Field,
  GraphQLISODateTime,
  InputType,
  ObjectType,
  registerEnumType,
} from '@nestjs/graphql';
import { type ProgressStage } from '@rapport/domain';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { Connection, PageArgs } from '../../common/connection';
import { Student } from '../../student/dto/student.model';
import {
  Risk,
  ProgressStageEnum,
  SharedProfessionalView,
  TimelineEntryView,
} from './progress.model';

export enum StudentSort {
  NAME = 'NAME',
  RISK = 'RISK',
  LAST_ACTIVITY = 'LAST_ACTIVITY',
  INTERVIEWS_HELD = 'INTERVIEWS_HELD',
}
registerEnumType(StudentSort, {
  name: 'StudentSort',
  description: 'RISK and LAST_ACTIVITY put the most urgent first',
});

@InputType()
export class CohortStudentsFilter {
  @Field(() => ProgressStageEnum, { nullable: true })
  @IsOptional()
  stage?: ProgressStage;

  @Field({
    nullable: true,
    description: 'Only students with (true) or without (false) a risk reason',
  })
  @IsOptional()
  atRisk?: boolean;

  @Field({ nullable: true, description: 'Part of the name or email, any case' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  search?: string;
}

@ArgsType()
export class CohortStudentsArgs extends PageArgs {
  @Field(() => CohortStudentsFilter, { nullable: true })
  @IsOptional()
  filter?: CohortStudentsFilter;

  @Field(() => StudentSort, { nullable: true, defaultValue: StudentSort.NAME })
  sort?: StudentSort;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'The cohort as it was at this instant',
  })
  @IsOptional()
  asOf?: Date;
}

@ObjectType()
export class StudentConnection extends Connection(Student, 'Student') {}

@ObjectType()
export class TimelineConnection extends Connection(TimelineEntryView, 'TimelineEntry') {}

@ObjectType({ description: 'A student and why they may need attention' })
export class RankedStudent {
  @Field(() => Student) student!: Student;
  @Field(() => Risk) risk!: Risk;
}

@ObjectType()
export class RankedStudentConnection extends Connection(RankedStudent, 'RankedStudent') {}

@ObjectType()
export class SharedProfessionalConnection extends Connection(
  SharedProfessionalView,
  'SharedProfessional',
) {}

@ArgsType()
export class AdvisorDashboardArgs extends PageArgs {
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'As it was at this instant' })
  @IsOptional()
  asOf?: Date;
}
