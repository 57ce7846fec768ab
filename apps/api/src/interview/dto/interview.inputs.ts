import { Field, GraphQLISODateTime, ID, InputType, Int } from '@nestjs/graphql';
import type {
  InterviewFormat,
  OutreachChannel,
  Party,
  ShadowingKind,
  TouchpointKind,
} from '@rapport/domain';
import {
  interviewFormats,
  outreachChannels,
  parties,
  shadowingKinds,
  touchpointKinds,
} from '@rapport/domain';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsDate,
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { MutationInput } from '../../common/mutation-input';
import {
  InterviewFormatEnum,
  InterviewPartyEnum,
  OutreachChannelEnum,
  ShadowingKindEnum,
  TouchpointKindEnum,
} from './interview.model';

const INSTANT = { message: '$property must be a date-time such as 2025-03-01T09:00:00Z' };
const QUESTION_ID_LENGTH = 100;

/** The interview a command targets. */
@InputType({ isAbstract: true })
abstract class InterviewTargetInput extends MutationInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'interviewId must be a UUID' })
  interviewId!: string;
}

@InputType()
export class SendInterviewRequestInput extends MutationInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'contactId must be a UUID' })
  contactId!: string;

  @Field(() => OutreachChannelEnum)
  @IsIn(outreachChannels)
  channel!: OutreachChannel;

  @Field(() => Int, {
    nullable: true,
    description: "Minutes to ask for; defaults to the institution's requested meeting length",
  })
  @IsOptional()
  @IsInt()
  askMinutes?: number | null;

  @Field(() => [InterviewFormatEnum])
  @IsArray()
  @IsIn(interviewFormats, { each: true })
  proposedFormats!: InterviewFormat[];

  @Field(() => String, { nullable: true })
  @IsOptional()
  message?: string | null;
}

@InputType()
export class NudgeInterviewRequestInput extends InterviewTargetInput {
  @Field(() => OutreachChannelEnum, {
    nullable: true,
    description: 'Defaults to the channel of the request',
  })
  @IsOptional()
  @IsIn(outreachChannels)
  channel?: OutreachChannel | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  message?: string | null;
}

@InputType()
export class RecordInterviewAcceptanceInput extends InterviewTargetInput {}

@InputType()
export class RecordInterviewDeclineInput extends InterviewTargetInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  reason?: string | null;
}

@InputType()
export class CloseUnansweredRequestInput extends InterviewTargetInput {}

@InputType()
export class ScheduleInterviewInput extends InterviewTargetInput {
  @Field(() => GraphQLISODateTime, { description: 'Must be in the future' })
  @IsDate(INSTANT)
  scheduledFor!: Date;

  @Field(() => InterviewFormatEnum)
  @IsIn(interviewFormats)
  format!: InterviewFormat;

  @Field(() => Int)
  @IsInt()
  durationMinutes!: number;

  @Field(() => String, { nullable: true })
  @IsOptional()
  location?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  meetingLink?: string | null;
}

/** Absent format, duration or place keep their value; null clears the place. */
@InputType()
export class RescheduleInterviewInput extends InterviewTargetInput {
  @Field(() => GraphQLISODateTime, { description: 'Must be in the future' })
  @IsDate(INSTANT)
  scheduledFor!: Date;

  @Field(() => InterviewFormatEnum, { nullable: true })
  @IsOptional()
  @IsIn(interviewFormats)
  format?: InterviewFormat | null;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  durationMinutes?: number | null;

  @Field(() => InterviewPartyEnum, { nullable: true, description: 'Who asked to reschedule' })
  @IsOptional()
  @IsIn(parties)
  requestedBy?: Party | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  location?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  meetingLink?: string | null;
}

@InputType()
export class CancelInterviewInput extends InterviewTargetInput {
  @Field(() => InterviewPartyEnum)
  @IsIn(parties)
  cancelledBy!: Party;

  @Field(() => String, { nullable: true })
  @IsOptional()
  reason?: string | null;
}

@InputType()
export class RecordNoShowInput extends InterviewTargetInput {
  @Field(() => InterviewPartyEnum)
  @IsIn(parties)
  missedBy!: Party;
}

@InputType()
export class RecordPreparationInput extends InterviewTargetInput {
  @Field(() => [String], {
    nullable: true,
    description: 'Active question bank ids to ask',
  })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  @Length(1, QUESTION_ID_LENGTH, { each: true })
  questionIds?: string[] | null;

  @Field(() => [String], { nullable: true, description: "The student's own questions" })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  customQuestions?: string[] | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  researchNotes?: string | null;
}

/**
 * Without interviewId the conversation happened without a recorded request: a new interview
 * is started with the given contact.
 */
@InputType()
export class RecordInterviewHeldInput extends MutationInput {
  @Field(() => ID, { nullable: true, description: 'Absent to record an interview never requested' })
  @IsOptional()
  @IsUUID('all', { message: 'interviewId must be a UUID' })
  interviewId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Required when interviewId is absent' })
  @ValidateIf((input: RecordInterviewHeldInput) => !input.interviewId || input.contactId != null)
  @IsDefined({ message: 'contactId is required when no interviewId is given' })
  @IsUUID('all', { message: 'contactId must be a UUID' })
  contactId?: string | null;

  @Field(() => GraphQLISODateTime, { description: 'Not in the future' })
  @IsDate(INSTANT)
  heldAt!: Date;

  @Field(() => InterviewFormatEnum, { nullable: true })
  @IsOptional()
  @IsIn(interviewFormats)
  format?: InterviewFormat | null;

  @Field(() => [String], { nullable: true, description: 'Question bank ids that were asked' })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  @Length(1, QUESTION_ID_LENGTH, { each: true })
  questionIdsAsked?: string[] | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  notes?: string | null;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  keyInsights?: string[] | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  advice?: string | null;
}

@InputType()
export class RecordThankYouInput extends InterviewTargetInput {
  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'When it was sent; defaults to now',
  })
  @IsOptional()
  @IsDate(INSTANT)
  sentAt?: Date | null;

  @Field(() => OutreachChannelEnum)
  @IsIn(outreachChannels)
  channel!: OutreachChannel;
}

@InputType({ description: 'A person the contact referred the student to' })
export class ReferralInput {
  @Field()
  @IsString()
  name!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  email?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  organization?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  role?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  industry?: string | null;
}

@InputType()
export class RecordReferralsInput extends InterviewTargetInput {
  @Field(() => [ReferralInput], { description: 'Each becomes a new Contact of the student' })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ReferralInput)
  referrals!: ReferralInput[];
}

@InputType()
export class RequestShadowingInput extends InterviewTargetInput {
  @Field(() => ShadowingKindEnum)
  @IsIn(shadowingKinds)
  kind!: ShadowingKind;

  @Field(() => String, { nullable: true })
  @IsOptional()
  note?: string | null;
}

@InputType()
export class RecordTouchpointInput extends InterviewTargetInput {
  @Field(() => TouchpointKindEnum)
  @IsIn(touchpointKinds)
  kind!: TouchpointKind;

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'When it happened; defaults to now',
  })
  @IsOptional()
  @IsDate(INSTANT)
  occurredAt?: Date | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  note?: string | null;
}
