import { type Command } from '../shared/decider';
import {
  type InterviewFormat,
  type OutreachChannel,
  type Party,
  type ShadowingKind,
  type TouchpointKind,
} from './interview.events';

/** Every interview command names its interview: the stream is `streamIds.interview(id)`. */
interface Target {
  interviewId: string;
  /** When the command was issued (ISO-8601 instant). */
  at: string;
}

interface PlacePatch {
  location?: string | null;
  meetingLink?: string | null;
}

export type SendRequest = Command<
  'SendRequest',
  Target & {
    studentId: string;
    contactId: string;
    channel: OutreachChannel;
    /** The caller fills in the institution's `requestedMeetingMinutes` when the user gave none. */
    askMinutes: number;
    proposedFormats: InterviewFormat[];
    personal?: { message?: string | null };
  }
>;

export type NudgeRequest = Command<
  'NudgeRequest',
  Target & { channel?: OutreachChannel; personal?: { message?: string | null } }
>;

export type RecordAcceptance = Command<'RecordAcceptance', Target>;

export type RecordDecline = Command<
  'RecordDecline',
  Target & { personal?: { reason?: string | null } }
>;

export type CloseUnanswered = Command<'CloseUnanswered', Target>;

export type ScheduleInterview = Command<
  'ScheduleInterview',
  Target & {
    scheduledFor: string;
    format: InterviewFormat;
    durationMinutes: number;
    personal?: PlacePatch;
  }
>;

/** Absent format, duration or place keep their current values. */
export type RescheduleInterview = Command<
  'RescheduleInterview',
  Target & {
    scheduledFor: string;
    format?: InterviewFormat;
    durationMinutes?: number;
    requestedBy?: Party | null;
    personal?: PlacePatch;
  }
>;

export type CancelInterview = Command<
  'CancelInterview',
  Target & { cancelledBy: Party; personal?: { reason?: string | null } }
>;

export type RecordNoShow = Command<'RecordNoShow', Target & { missedBy: Party }>;

export type RecordPreparation = Command<
  'RecordPreparation',
  Target & {
    /** Chosen from the question bank; the service checks they are active bank ids. */
    questionIds: string[];
    personal: { researchNotes?: string | null; customQuestions?: string[] };
  }
>;

/** Also opens the stream when the conversation happened without a recorded request. */
export type RecordInterviewHeld = Command<
  'RecordInterviewHeld',
  Target & {
    studentId: string;
    contactId: string;
    heldAt: string;
    format?: InterviewFormat | null;
    questionIdsAsked?: string[];
    personal: { notes?: string | null; keyInsights?: string[]; advice?: string | null };
  }
>;

export type RecordThankYou = Command<
  'RecordThankYou',
  Target & { sentAt: string; channel: OutreachChannel }
>;

export interface ReferralInput {
  /** Pre-generated id for the Contact that will be created. */
  contactId: string;
  name: string;
  organization?: string | null;
  role?: string | null;
  industry?: string | null;
  email?: string | null;
}

export type RecordReferrals = Command<'RecordReferrals', Target & { referrals: ReferralInput[] }>;

export type RequestShadowing = Command<
  'RequestShadowing',
  Target & { kind: ShadowingKind; personal?: { note?: string | null } }
>;

export type RecordTouchpoint = Command<
  'RecordTouchpoint',
  Target & {
    kind: TouchpointKind;
    /** When it happened; defaults to `at`. */
    occurredAt?: string;
    personal?: { note?: string | null };
  }
>;

export type InterviewCommand =
  | SendRequest
  | NudgeRequest
  | RecordAcceptance
  | RecordDecline
  | CloseUnanswered
  | ScheduleInterview
  | RescheduleInterview
  | CancelInterview
  | RecordNoShow
  | RecordPreparation
  | RecordInterviewHeld
  | RecordThankYou
  | RecordReferrals
  | RequestShadowing
  | RecordTouchpoint;

export type InterviewCommandType = InterviewCommand['type'];
