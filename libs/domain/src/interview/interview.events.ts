import { type Event } from '../shared/decider';

/** How the student reached out (or sent thanks). */
export const outreachChannels = [
  'email',
  'linkedin',
  'phone',
  'in_person',
  'text',
  'other',
] as const;
export type OutreachChannel = (typeof outreachChannels)[number];

/** "Invite them out to coffee or ask for a meeting in person, on the phone, or online." */
export const interviewFormats = ['coffee', 'in_person', 'phone', 'video'] as const;
export type InterviewFormat = (typeof interviewFormats)[number];

/** "Visit their work site or shadow them for a few hours." */
export const shadowingKinds = ['shadowing', 'site_visit'] as const;
export type ShadowingKind = (typeof shadowingKinds)[number];

/** The guide's ways to stay in touch. */
export const touchpointKinds = [
  'shared_article',
  'updated_on_next_steps',
  'met_at_event',
  'offered_help',
  'follow_up_question',
  'other',
] as const;
export type TouchpointKind = (typeof touchpointKinds)[number];

export type Party = 'student' | 'contact';
export const parties: readonly Party[] = ['student', 'contact'];

/** Every interview event names its interview, student and contact, so projections need no lookup. */
export interface InterviewRef {
  interviewId: string;
  studentId: string;
  contactId: string;
}

export interface MeetingPlace {
  /** A street address or venue can point at a person: kept personal. */
  location: string | null;
  meetingLink: string | null;
}

export type InterviewRequested = Event<
  'InterviewRequested',
  InterviewRef & {
    channel: OutreachChannel;
    /** "Ask for something small—say, thirty minutes." */
    askMinutes: number;
    proposedFormats: InterviewFormat[];
    at: string;
    personal: { message: string | null };
  }
>;

export type InterviewRequestNudged = Event<
  'InterviewRequestNudged',
  InterviewRef & {
    channel: OutreachChannel;
    /** 1 for the first nudge. */
    nudgeNumber: number;
    at: string;
    personal: { message: string | null };
  }
>;

export type InterviewRequestAccepted = Event<
  'InterviewRequestAccepted',
  InterviewRef & { at: string }
>;

export type InterviewRequestDeclined = Event<
  'InterviewRequestDeclined',
  InterviewRef & { at: string; personal: { reason: string | null } }
>;

export type InterviewRequestClosedUnanswered = Event<
  'InterviewRequestClosedUnanswered',
  InterviewRef & { at: string }
>;

export type InterviewScheduled = Event<
  'InterviewScheduled',
  InterviewRef & {
    scheduledFor: string;
    format: InterviewFormat;
    durationMinutes: number;
    /** True when scheduling answered a still-open request (it counts as acceptance). */
    impliesAcceptance: boolean;
    at: string;
    personal: MeetingPlace;
  }
>;

export type InterviewRescheduled = Event<
  'InterviewRescheduled',
  InterviewRef & {
    scheduledFor: string;
    previousScheduledFor: string;
    format: InterviewFormat;
    durationMinutes: number;
    requestedBy: Party | null;
    at: string;
    personal: MeetingPlace;
  }
>;

export type InterviewCancelled = Event<
  'InterviewCancelled',
  InterviewRef & { cancelledBy: Party; at: string; personal: { reason: string | null } }
>;

export type InterviewNoShowRecorded = Event<
  'InterviewNoShowRecorded',
  InterviewRef & { missedBy: Party; scheduledFor: string; at: string }
>;

/** The latest preparation replaces earlier ones. */
export type InterviewPrepared = Event<
  'InterviewPrepared',
  InterviewRef & {
    /** Ids from the question bank. */
    questionIds: string[];
    at: string;
    personal: { researchNotes: string | null; customQuestions: string[] };
  }
>;

export type InterviewHeld = Event<
  'InterviewHeld',
  InterviewRef & {
    heldAt: string;
    format: InterviewFormat | null;
    /** Ids from the question bank that were asked. */
    questionIdsAsked: string[];
    /** True when no request was recorded first (the conversation happened offline). */
    withoutRequest: boolean;
    at: string;
    personal: { notes: string | null; keyInsights: string[]; advice: string | null };
  }
>;

export type ThankYouSent = Event<
  'ThankYouSent',
  InterviewRef & { sentAt: string; channel: OutreachChannel; at: string }
>;

export interface ReceivedReferral {
  /** Pre-generated id of the Contact to create for the referred person. */
  contactId: string;
  organization: string | null;
  role: string | null;
  industry: string | null;
}

/**
 * "Is there anyone else you know who I should be talking to?" Each referral becomes a new
 * Contact with `referredByContactId` = this interview's contact (see `policies/reactions`).
 */
export type ReferralsReceived = Event<
  'ReferralsReceived',
  InterviewRef & {
    referrals: ReceivedReferral[];
    at: string;
    personal: { referrals: { contactId: string; name: string; email: string | null }[] };
  }
>;

export type ShadowingRequested = Event<
  'ShadowingRequested',
  InterviewRef & { kind: ShadowingKind; at: string; personal: { note: string | null } }
>;

export type TouchpointRecorded = Event<
  'TouchpointRecorded',
  InterviewRef & {
    kind: TouchpointKind;
    occurredAt: string;
    at: string;
    personal: { note: string | null };
  }
>;

export type InterviewEvent =
  | InterviewRequested
  | InterviewRequestNudged
  | InterviewRequestAccepted
  | InterviewRequestDeclined
  | InterviewRequestClosedUnanswered
  | InterviewScheduled
  | InterviewRescheduled
  | InterviewCancelled
  | InterviewNoShowRecorded
  | InterviewPrepared
  | InterviewHeld
  | ThankYouSent
  | ReferralsReceived
  | ShadowingRequested
  | TouchpointRecorded;

export type InterviewEventType = InterviewEvent['type'];

export const InterviewEventSchemaVersions: Record<InterviewEventType, number> = {
  InterviewRequested: 1,
  InterviewRequestNudged: 1,
  InterviewRequestAccepted: 1,
  InterviewRequestDeclined: 1,
  InterviewRequestClosedUnanswered: 1,
  InterviewScheduled: 1,
  InterviewRescheduled: 1,
  InterviewCancelled: 1,
  InterviewNoShowRecorded: 1,
  InterviewPrepared: 1,
  InterviewHeld: 1,
  ThankYouSent: 1,
  ReferralsReceived: 1,
  ShadowingRequested: 1,
  TouchpointRecorded: 1,
};
