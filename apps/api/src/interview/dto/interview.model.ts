import { Field, GraphQLISODateTime, ID, Int, ObjectType } from '@nestjs/graphql';
import {
  type InterviewFormat,
  interviewFormats,
  type InterviewStatus,
  interviewStatuses,
  type OutreachChannel,
  outreachChannels,
  type Party,
  parties,
  type ShadowingKind,
  shadowingKinds,
  type TouchpointKind,
  touchpointKinds,
} from '@rapport/domain';
import { Connection } from '../../common/connection';
import { enumFromList } from '../../common/graphql-enum';

/** Statuses an existing interview can be in (`none` only describes a stream not yet started). */
export type ExistingInterviewStatus = Exclude<InterviewStatus, 'none'>;

export const InterviewStatusEnum = enumFromList(
  'InterviewStatus',
  interviewStatuses.filter((s): s is ExistingInterviewStatus => s !== 'none'),
  'Where an interview stands, from the request to staying in touch',
);

export const OutreachChannelEnum = enumFromList(
  'OutreachChannel',
  outreachChannels,
  'How the student reached out (or sent thanks)',
);

export const InterviewFormatEnum = enumFromList(
  'InterviewFormat',
  interviewFormats,
  'Coffee, in person, on the phone or online',
);

export const InterviewPartyEnum = enumFromList(
  'InterviewParty',
  parties,
  'The student or the contact',
);

export const ShadowingKindEnum = enumFromList(
  'ShadowingKind',
  shadowingKinds,
  'Shadowing the contact or visiting their work site',
);

export const TouchpointKindEnum = enumFromList(
  'TouchpointKind',
  touchpointKinds,
  'A way of staying in touch after the interview',
);

@ObjectType({ description: 'The request the student sent' })
export class InterviewRequest {
  @Field(() => GraphQLISODateTime)
  requestedAt!: Date;

  @Field(() => OutreachChannelEnum)
  channel!: OutreachChannel;

  @Field(() => Int, { description: 'How long the student asked for' })
  askMinutes!: number;

  @Field(() => [InterviewFormatEnum])
  proposedFormats!: InterviewFormat[];

  @Field(() => String, { nullable: true })
  message!: string | null;
}

@ObjectType({ description: 'A reminder sent while the request waited for a reply' })
export class InterviewNudge {
  @Field(() => Int, { description: '1 for the first nudge' })
  number!: number;

  @Field(() => OutreachChannelEnum)
  channel!: OutreachChannel;

  @Field(() => GraphQLISODateTime)
  at!: Date;

  @Field(() => String, { nullable: true })
  message!: string | null;
}

@ObjectType({ description: 'When and how the interview is (or was last) scheduled' })
export class InterviewSchedule {
  @Field(() => GraphQLISODateTime)
  scheduledFor!: Date;

  @Field(() => InterviewFormatEnum)
  format!: InterviewFormat;

  @Field(() => Int)
  durationMinutes!: number;

  @Field(() => String, { nullable: true })
  location!: string | null;

  @Field(() => String, { nullable: true })
  meetingLink!: string | null;

  @Field(() => Int)
  rescheduleCount!: number;
}

@ObjectType()
export class InterviewCancellation {
  @Field(() => InterviewPartyEnum)
  cancelledBy!: Party;

  @Field(() => String, { nullable: true })
  reason!: string | null;

  @Field(() => GraphQLISODateTime)
  at!: Date;
}

@ObjectType()
export class InterviewNoShow {
  @Field(() => InterviewPartyEnum)
  missedBy!: Party;

  @Field(() => GraphQLISODateTime)
  scheduledFor!: Date;

  @Field(() => GraphQLISODateTime)
  at!: Date;
}

@ObjectType({ description: 'The latest preparation (it replaces earlier ones)' })
export class InterviewPreparation {
  @Field(() => GraphQLISODateTime)
  preparedAt!: Date;

  @Field(() => [String], { description: 'Question bank ids' })
  questionIds!: string[];

  @Field(() => [String])
  customQuestions!: string[];

  @Field(() => String, { nullable: true })
  researchNotes!: string | null;
}

@ObjectType({ description: 'The conversation itself' })
export class HeldInterview {
  @Field(() => GraphQLISODateTime)
  heldAt!: Date;

  @Field(() => InterviewFormatEnum, { nullable: true })
  format!: InterviewFormat | null;

  @Field({ description: 'True when it was recorded without a prior request' })
  withoutRequest!: boolean;

  @Field(() => [String], { description: 'Question bank ids that were asked' })
  questionIdsAsked!: string[];

  @Field(() => String, { nullable: true })
  notes!: string | null;

  @Field(() => [String])
  keyInsights!: string[];

  @Field(() => String, { nullable: true })
  advice!: string | null;
}

@ObjectType()
export class InterviewThankYou {
  @Field(() => GraphQLISODateTime)
  sentAt!: Date;

  @Field(() => OutreachChannelEnum)
  channel!: OutreachChannel;
}

@ObjectType({ description: 'Someone the contact referred the student to; also a Contact' })
export class InterviewReferral {
  @Field(() => ID, { description: 'The Contact created for the referred person' })
  contactId!: string;

  @Field()
  name!: string;

  @Field(() => GraphQLISODateTime)
  receivedAt!: Date;
}

@ObjectType()
export class ShadowingRequest {
  @Field(() => ShadowingKindEnum)
  kind!: ShadowingKind;

  @Field(() => GraphQLISODateTime)
  at!: Date;

  @Field(() => String, { nullable: true })
  note!: string | null;
}

@ObjectType()
export class InterviewTouchpoint {
  @Field(() => TouchpointKindEnum)
  kind!: TouchpointKind;

  @Field(() => GraphQLISODateTime)
  occurredAt!: Date;

  @Field(() => String, { nullable: true })
  note!: string | null;
}

@ObjectType({ description: 'One informational interview of a student with one contact' })
export class Interview {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  studentId!: string;

  @Field(() => ID)
  contactId!: string;

  @Field(() => InterviewStatusEnum)
  status!: ExistingInterviewStatus;

  @Field(() => InterviewRequest, {
    nullable: true,
    description: 'Null when the interview was recorded without a request',
  })
  request!: InterviewRequest | null;

  @Field(() => [InterviewNudge])
  nudges!: InterviewNudge[];

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'When the contact accepted, declined or scheduled',
  })
  respondedAt!: Date | null;

  @Field(() => String, { nullable: true })
  declineReason!: string | null;

  @Field(() => InterviewSchedule, { nullable: true })
  schedule!: InterviewSchedule | null;

  @Field(() => InterviewCancellation, { nullable: true })
  cancellation!: InterviewCancellation | null;

  @Field(() => [InterviewNoShow])
  noShows!: InterviewNoShow[];

  @Field(() => InterviewPreparation, { nullable: true })
  preparation!: InterviewPreparation | null;

  @Field(() => HeldInterview, { nullable: true })
  held!: HeldInterview | null;

  @Field(() => InterviewThankYou, { nullable: true })
  thankYou!: InterviewThankYou | null;

  @Field(() => [InterviewReferral])
  referrals!: InterviewReferral[];

  @Field(() => [ShadowingRequest])
  shadowingRequests!: ShadowingRequest[];

  @Field(() => [InterviewTouchpoint])
  touchpoints!: InterviewTouchpoint[];

  @Field(() => GraphQLISODateTime, {
    nullable: true,
    description: 'When it ended without a meeting (declined, unanswered, cancelled)',
  })
  closedAt!: Date | null;

  @Field(() => Int, { description: 'Pass as expectedVersion to change it only if nobody else did' })
  version!: number;
}

@ObjectType()
export class InterviewConnection extends Connection(Interview, 'Interview') {}

@ObjectType()
export class InterviewPayload {
  @Field(() => String, { nullable: true })
  clientMutationId!: string | null;

  @Field(() => Interview)
  interview!: Interview;
}
