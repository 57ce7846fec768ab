import {
  ArgsType,
  Field,
  GraphQLISODateTime,
  InputType,
  Int,
  ObjectType,
  registerEnumType,
} from '@nestjs/graphql';
import { type ProgressStage } from '@rapport/domain';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { Connection } from '../../common/connection';
import { Student } from '../../student/dto/student.model';
import { Risk, ProgressStageEnum, TimelineEntryView } from './progress.model';

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
export class PageArgs {
  @Field(() => Int, { nullable: true, description: 'At most 100; 20 when left out' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  first?: number;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  after?: string;
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
