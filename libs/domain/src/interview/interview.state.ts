import { DomainError } from '../shared/domain-error';
import { type InterviewCommandType } from './interview.commands';
import {
  type InterviewFormat,
  type MeetingPlace,
  type OutreachChannel,
  type ShadowingKind,
  type TouchpointKind,
} from './interview.events';

/**
 * Where an interview stands, and what moves it (the table below is the source of truth):
 *
 * Request       none --SendRequest--> requested (NudgeRequest keeps it there, at most twice)
 *               requested --RecordAcceptance--> accepted
 *               requested --RecordDecline--> declined
 *               requested --CloseUnanswered--> unanswered
 * Meeting       requested | accepted | no_show --ScheduleInterview--> scheduled
 *                 (from requested: a reply that names a time counts as acceptance)
 *               scheduled --RescheduleInterview--> scheduled
 *               scheduled --RecordNoShow--> no_show (only once the time has passed)
 *               requested | accepted | scheduled | no_show --CancelInterview--> cancelled
 *               none | requested | accepted | scheduled | no_show --RecordInterviewHeld--> held
 *                 (from none: the conversation happened offline; this opens the stream)
 *               RecordPreparation: requested | accepted | scheduled | no_show (status unchanged)
 * Relationship  held --RecordThankYou (once) | RecordReferrals | RequestShadowing
 *                    | RecordTouchpoint--> held
 * Final         declined, unanswered, cancelled: to try again, start a new interview.
 */
export const interviewStatuses = [
  'none',
  'requested',
  'accepted',
  'declined',
  'unanswered',
  'scheduled',
  'no_show',
  'cancelled',
  'held',
] as const;
export type InterviewStatus = (typeof interviewStatuses)[number];

/** A polite reminder or two; after that the request should be closed as unanswered. */
export const MAX_NUDGES = 2;

const beforeMeeting = ['requested', 'accepted', 'scheduled', 'no_show'] as const;

/** Which statuses each command may be applied in. */
export const interviewTransitions: Readonly<
  Record<InterviewCommandType, readonly InterviewStatus[]>
> = {
  SendRequest: ['none'],
  NudgeRequest: ['requested'],
  RecordAcceptance: ['requested'],
  RecordDecline: ['requested'],
  CloseUnanswered: ['requested'],
  ScheduleInterview: ['requested', 'accepted', 'no_show'],
  RescheduleInterview: ['scheduled'],
  CancelInterview: beforeMeeting,
  RecordNoShow: ['scheduled'],
  RecordPreparation: beforeMeeting,
  RecordInterviewHeld: ['none', ...beforeMeeting],
  RecordThankYou: ['held'],
  RecordReferrals: ['held'],
  RequestShadowing: ['held'],
  RecordTouchpoint: ['held'],
};

/** The commands a UI may offer for an interview in this status. */
export function allowedInterviewCommands(status: InterviewStatus): InterviewCommandType[] {
  return (Object.keys(interviewTransitions) as InterviewCommandType[]).filter((type) =>
    interviewTransitions[type].includes(status),
  );
}

const requirement: Record<InterviewCommandType, string> = {
  SendRequest: 'A request can only be sent once per interview',
  NudgeRequest: 'A request can only be nudged while it is waiting for a reply',
  RecordAcceptance: 'An acceptance can only be recorded while the request is waiting for a reply',
  RecordDecline: 'A decline can only be recorded while the request is waiting for a reply',
  CloseUnanswered: 'Only a request that is waiting for a reply can be closed as unanswered',
  ScheduleInterview:
    'An interview can only be scheduled for a pending or accepted request, or after a no-show',
  RescheduleInterview: 'Only a scheduled interview can be rescheduled',
  CancelInterview: 'Only an interview that has not taken place can be cancelled',
  RecordNoShow: 'A no-show can only be recorded for a scheduled interview',
  RecordPreparation:
    'Preparation can only be recorded for an open request, before the interview is held',
  RecordInterviewHeld:
    'An interview can only be recorded as held once, and not after a decline, an unanswered close or a cancellation',
  RecordThankYou: 'A thank-you can only be recorded after the interview was held',
  RecordReferrals: 'Referrals can only be recorded after the interview was held',
  RequestShadowing: 'Shadowing or a site visit can only be requested after the interview was held',
  RecordTouchpoint: 'A touchpoint can only be recorded after the interview was held',
};

const situation: Record<InterviewStatus, string> = {
  none: 'no request has been recorded yet',
  requested: 'the request is still waiting for a reply',
  accepted: 'the request was accepted but nothing is scheduled',
  declined: 'the request was declined',
  unanswered: 'the request was closed without a reply',
  scheduled: 'the interview is scheduled',
  no_show: 'the interview was missed',
  cancelled: 'the interview was cancelled',
  held: 'the interview was already held',
};

/** Why this command cannot be applied now, or undefined when the state machine allows it. */
export function transitionError(
  type: InterviewCommandType,
  status: InterviewStatus,
  interviewId: string,
): DomainError | undefined {
  if (interviewTransitions[type].includes(status)) return undefined;
  const message = `${requirement[type]}; ${situation[status]}.`;
  if (status === 'none') {
    return DomainError.notFound(
      `Interview ${interviewId} does not exist: ${message}`,
      'interviewId',
    );
  }
  if (type === 'SendRequest') {
    return DomainError.alreadyExists(`${message}`, 'interviewId');
  }
  return DomainError.invalidTransition(message);
}

/** What the decider and the follow-up policies need; notes and insights stay in the events. */
export interface OpenInterview {
  status: Exclude<InterviewStatus, 'none'>;
  interviewId: string;
  studentId: string;
  contactId: string;
  requestedAt: string | null;
  requestChannel: OutreachChannel | null;
  askMinutes: number | null;
  nudgeCount: number;
  lastNudgedAt: string | null;
  respondedAt: string | null;
  scheduledFor: string | null;
  format: InterviewFormat | null;
  durationMinutes: number | null;
  place: MeetingPlace;
  rescheduleCount: number;
  preparedAt: string | null;
  preparedQuestionIds: readonly string[];
  heldAt: string | null;
  thankYouSentAt: string | null;
  referrals: readonly { contactId: string; receivedAt: string }[];
  shadowingRequests: readonly { kind: ShadowingKind; at: string }[];
  touchpoints: readonly { kind: TouchpointKind; occurredAt: string }[];
  closedAt: string | null;
}

export type InterviewState = { status: 'none' } | OpenInterview;
