import { ArgsType, Field, GraphQLISODateTime, ID, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsDate,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { PageArgs } from '../../common/connection';
import { AUDIT_ACTIONS, type AuditAction } from '../audit-actions';
import { AuditActionEnum } from './audit.model';

/** Every given condition must hold; the time range is [from, to). */
@InputType()
export class AuditLogFilter {
  @Field(() => [AuditActionEnum], { nullable: true, description: 'Any of these; all when empty' })
  @IsOptional()
  @ArrayMaxSize(AUDIT_ACTIONS.length)
  @IsIn(AUDIT_ACTIONS, { each: true })
  actions?: AuditAction[] | null;

  @Field(() => ID, { nullable: true, description: 'Done by this staff member, student or job' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  actorId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Done to this student or staff member' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  subjectId?: string | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Recorded at or after' })
  @IsOptional()
  @IsDate()
  from?: Date | null;

  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Recorded before' })
  @IsOptional()
  @IsDate()
  to?: Date | null;
}

@ArgsType()
export class AuditLogArgs extends PageArgs {
  @Field(() => AuditLogFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => AuditLogFilter)
  filter?: AuditLogFilter | null;
}
