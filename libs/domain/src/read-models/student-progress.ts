import { type ContactRelationship } from '../contact/contact.events';
import { type DomainEvent } from '../domain';
import { type InterviewRef, type TouchpointKind } from '../interview/interview.events';
import { type InterviewStatus } from '../interview/interview.state';
import { type DigestPreference } from '../student/student.events';
import { compareStrings, instant, maxInstant, minInstant } from './instants';

/**
 * One student's progress through the method, as the advisor dashboards need it. Stored as jsonb
 * per student, so it is plain JSON: no Map, Set, Date or undefined anywhere.
 *
 * `evolveStudentProgress` is order-insensitive: timestamps fold with min/max, lists are kept
 * sorted, "latest wins" fields keep the instant that set them and break ties by value, and the
 * interview status is derived from the timestamps. So any order of the same events gives the
 * same state, and folding the events with `at <= T` gives the state "as of T" (see `foldAsOf`).
 */
export interface StudentProgress {
  studentId: string;
  /**
   * The current cohort: the one with the latest enrolment (ties: the smaller id); null until an
   * enrolment or registration is seen. The fields below up to `enrolled` are about it.
   */
  cohortId: string | null;
  registeredAt: string | null;
  /** Start of the student's latest stay in the current cohort. */
  enrolledAt: string | null;
  /** End of that stay; null while it lasts. */
  withdrawnAt: string | null;
  /** On the current cohort's roster: enrolled (or registered) and not withdrawn since. */
  enrolled: boolean;
  /**
   * Every cohort the student was on the roster of (docs/adr/0019). Absent in states stored
   * before students changed cohorts: read it through `cohortStaysOf`.
   */
  cohorts?: Record<string, CohortStays>;
  digestPreference: DigestPreference;
  /** When `digestPreference` was last set; decides which of two settings is the later one. */
  digestPreferenceSetAt: string | null;
  contacts: Record<string, ContactProgress>;
  interviews: Record<string, InterviewProgress>;
  /** Latest `at` of the student's own work: contact and interview events. */
  lastActivityAt: string | null;
  /** Enrolment, student, contact and interview events folded in (advisor notes excluded). */
  eventCount: number;
}

/** A student's enrolments in one cohort and withdrawals from it: sorted instants, each once. */
export interface CohortStays {
  enrolledAt: string[];
  withdrawnAt: string[];
}

export interface ContactProgress {
  contactId: string;
  /** 'other' until the contact's facts are seen (only when events arrive out of order). */
  relationship: ContactRelationship;
  organization: string | null;
  role: string | null;
  industry: string | null;
  referredByContactId: string | null;
  addedAt: string | null;
  /** `at` of the ContactAdded/ContactUpdated whose facts are shown. */
  factsAt: string | null;
  archived: boolean;
  archivedAt: string | null;
}

/** The domain's statuses, derived here from timestamps (`none` cannot occur in a read model). */
export type InterviewProgressStatus = Exclude<InterviewStatus, 'none'>;

export interface ReferralProgress {
  /** The referred person's contact id. */
  contactId: string;
  receivedAt: string;
}

export interface TouchpointProgress {
  /** When it happened (`occurredAt`). */
  at: string;
  kind: TouchpointKind;
}

export interface InterviewProgress {
  interviewId: string;
  contactId: string;
  status: InterviewProgressStatus;
  /** Earliest `at` of this interview's events. */
  openedAt: string;
  requestedAt: string | null;
  /** Sorted; the domain allows at most two nudges. */
  nudgedAt: string[];
  /** First reply of any kind: acceptance, decline or a scheduled time. */
  respondedAt: string | null;
  /** Explicit acceptance, or the first scheduling (which implies it). */
  acceptedAt: string | null;
  declinedAt: string | null;
  closedUnansweredAt: string | null;
  /** When it was first scheduled. */
  scheduledAt: string | null;
  /** The meeting time from the latest (re)scheduling. */
  scheduledFor: string | null;
  /** `at` of the latest (re)scheduling: picks `scheduledFor` and ends a no-show. */
  scheduleChangedAt: string | null;
  rescheduleCount: number;
  /** First preparation. */
  preparedAt: string | null;
  /** When the conversation took place (`heldAt` of the event, not when it was recorded). */
  heldAt: string | null;
  /** Question-bank ids asked in the interview, sorted. */
  questionIdsAsked: string[];
  /** When the thank-you was sent (`sentAt`). */
  thankYouSentAt: string | null;
  /** Sorted by receipt, then contact id. */
  referrals: ReferralProgress[];
  shadowingRequestedAt: string | null;
  /** Sorted by time, then kind. */
  touchpoints: TouchpointProgress[];
  cancelledAt: string | null;
  noShowAt: string | null;
}

export function initialStudentProgress(studentId: string): StudentProgress {
  return {
    studentId,
    cohortId: null,
    registeredAt: null,
    enrolledAt: null,
    withdrawnAt: null,
    enrolled: false,
    cohorts: {},
    digestPreference: 'weekly',
    digestPreferenceSetAt: null,
    contacts: {},
    interviews: {},
    lastActivityAt: null,
    eventCount: 0,
  };
}

/**
 * The student an event is about, for routing in a projection; null for institution, cohort
 * bookkeeping and question-bank events. Advisor notes name a student too, but progress ignores
 * them (they are the advisor's work, not the student's).
 */
export function studentIdOf(event: DomainEvent): string | null {
  switch (event.type) {
    case 'InstitutionRegistered':
    case 'InstitutionSettingsChanged':
    case 'InstitutionRenamed':
    case 'IdentityProviderSet':
    case 'RetentionSweepCompleted':
    case 'IdentityLinked':
    case 'CohortCreated':
    case 'CohortUpdated':
    case 'AdvisorAssigned':
    case 'AdvisorUnassigned':
    case 'QuestionAdded':
    case 'QuestionRetired':
    case 'StaffInvited':
    case 'StaffInvitationResent':
    case 'StaffActivated':
    case 'StaffDeactivated':
    case 'StaffMemberErased':
      return null;
    case 'StudentEnrolled':
    case 'StudentWithdrawn':
    case 'StudentRegistered':
    case 'StudentJoinedCohort':
    case 'StudentLeftCohort':
    case 'StudentProfileUpdated':
    case 'StudentEmailChangeRequested':
    case 'StudentEmailChanged':
    case 'StudentRecordCorrected':
    case 'DigestPreferenceSet':
    case 'CalendarFeedRenewed':
    case 'CalendarFeedRevoked':
    case 'StudentErased':
    case 'ContactAdded':
    case 'ContactUpdated':
    case 'ContactArchived':
    case 'InterviewRequested':
    case 'InterviewRequestNudged':
    case 'InterviewRequestAccepted':
    case 'InterviewRequestDeclined':
    case 'InterviewRequestClosedUnanswered':
    case 'InterviewScheduled':
    case 'InterviewRescheduled':
    case 'InterviewCancelled':
    case 'InterviewNoShowRecorded':
    case 'InterviewPrepared':
    case 'InterviewHeld':
    case 'ThankYouSent':
    case 'ReferralsReceived':
    case 'ShadowingRequested':
    case 'TouchpointRecorded':
    case 'AdvisorNoteAdded':
    case 'AdvisorNoteEdited':
    case 'AdvisorNoteRetracted':
    case 'StudentDataExported':
      return event.data.studentId;
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

/** Folds one event; events about other students (or not about students) change nothing. */
export function evolveStudentProgress(state: StudentProgress, event: DomainEvent): StudentProgress {
  return evolve(state, event, false);
}

/**
 * The same fold as `evolveStudentProgress`, with the same result, but written into `state`
 * (returned) and its records instead of copies: copying a student's map of interviews, then the
 * interview's record, for every event was the hottest part of a rebuild. Only for a caller that
 * owns `state` and everything in it (no one else holds any of it): to keep a state as it is now,
 * write it down (a projection's snapshot is its JSON) or deep-copy it.
 */
export function evolveStudentProgressInPlace(
  state: StudentProgress,
  event: DomainEvent,
): StudentProgress {
  return evolve(state, event, true);
}

function evolve(state: StudentProgress, event: DomainEvent, inPlace: boolean): StudentProgress {
  if (studentIdOf(event) !== state.studentId) return state;
  switch (event.type) {
    // Advisor notes are routed here because they name the student, but are not progress; the
    // other events here carry no studentId (the guard returned already): listed for exhaustiveness.
    // An export is in the student's timeline but is no activity of theirs.
    case 'StudentDataExported':
    case 'AdvisorNoteAdded':
    case 'AdvisorNoteEdited':
    case 'AdvisorNoteRetracted':
    case 'InstitutionRegistered':
    case 'InstitutionSettingsChanged':
    case 'InstitutionRenamed':
    case 'IdentityProviderSet':
    case 'RetentionSweepCompleted':
    case 'IdentityLinked':
    case 'CohortCreated':
    case 'CohortUpdated':
    case 'AdvisorAssigned':
    case 'AdvisorUnassigned':
    case 'QuestionAdded':
    case 'QuestionRetired':
    case 'StaffInvited':
    case 'StaffInvitationResent':
    case 'StaffActivated':
    case 'StaffDeactivated':
    case 'StaffMemberErased':
      return state;
    // Progress holds no personal data, and an erasure is not the student's work: the counts
    // stay exactly what they were (docs/adr/0025).
    case 'StudentErased':
      return state;
    // Career interests, personal data and calendar feeds are not needed by any dashboard.
    case 'StudentProfileUpdated':
    case 'StudentEmailChangeRequested':
    case 'StudentEmailChanged':
    case 'StudentRecordCorrected':
    case 'CalendarFeedRenewed':
    case 'CalendarFeedRevoked':
      return counted(state, inPlace);
    // The cohort's and the student's own record of a stay carry the same instant: counted once.
    case 'StudentEnrolled':
    case 'StudentJoinedCohort':
      return stay(state, inPlace, event.data.cohortId, 'enrolledAt', event.data.at, {});
    case 'StudentWithdrawn':
    case 'StudentLeftCohort':
      return stay(state, inPlace, event.data.cohortId, 'withdrawnAt', event.data.at, {});
    case 'StudentRegistered':
      return stay(state, inPlace, event.data.cohortId, 'enrolledAt', event.data.at, {
        registeredAt: minInstant(state.registeredAt, event.data.at),
        ...digest(state, event.data.digestPreference, event.data.at),
      });
    case 'DigestPreferenceSet':
      return profile(state, inPlace, digest(state, event.data.preference, event.data.at));
    case 'ContactAdded': {
      const { contactId, referredByContactId, at } = event.data;
      return withContact(state, inPlace, contactId, at, (contact) => {
        setFacts(contact, event.data, at);
        contact.referredByContactId ??= referredByContactId;
        contact.addedAt = minInstant(contact.addedAt, at);
      });
    }
    case 'ContactUpdated':
      return withContact(state, inPlace, event.data.contactId, event.data.at, (contact) =>
        setFacts(contact, event.data, event.data.at),
      );
    case 'ContactArchived':
      return withContact(state, inPlace, event.data.contactId, event.data.at, (contact) => {
        contact.archived = true;
        contact.archivedAt = minInstant(contact.archivedAt, event.data.at);
      });
    case 'InterviewRequested':
      return withInterview(state, inPlace, event.data, (i) => {
        i.requestedAt = minInstant(i.requestedAt, event.data.at);
      });
    case 'InterviewRequestNudged':
      return withInterview(state, inPlace, event.data, (i) => {
        i.nudgedAt = [...i.nudgedAt, event.data.at].sort();
      });
    case 'InterviewRequestAccepted':
      return withInterview(state, inPlace, event.data, (i) => {
        i.acceptedAt = minInstant(i.acceptedAt, event.data.at);
        i.respondedAt = minInstant(i.respondedAt, event.data.at);
      });
    case 'InterviewRequestDeclined':
      return withInterview(state, inPlace, event.data, (i) => {
        i.declinedAt = minInstant(i.declinedAt, event.data.at);
        i.respondedAt = minInstant(i.respondedAt, event.data.at);
      });
    case 'InterviewRequestClosedUnanswered':
      return withInterview(state, inPlace, event.data, (i) => {
        i.closedUnansweredAt = minInstant(i.closedUnansweredAt, event.data.at);
      });
    case 'InterviewScheduled':
      return withInterview(state, inPlace, event.data, (i) => {
        reschedule(i, event.data.at, event.data.scheduledFor);
        i.scheduledAt = minInstant(i.scheduledAt, event.data.at);
        // Any scheduling means the contact said yes at some point (the decider's respondedAt too).
        i.acceptedAt = minInstant(i.acceptedAt, event.data.at);
        i.respondedAt = minInstant(i.respondedAt, event.data.at);
      });
    case 'InterviewRescheduled':
      return withInterview(state, inPlace, event.data, (i) => {
        reschedule(i, event.data.at, event.data.scheduledFor);
        i.rescheduleCount += 1;
      });
    case 'InterviewCancelled':
      return withInterview(state, inPlace, event.data, (i) => {
        i.cancelledAt = minInstant(i.cancelledAt, event.data.at);
      });
    case 'InterviewNoShowRecorded':
      return withInterview(state, inPlace, event.data, (i) => {
        i.noShowAt = maxInstant(i.noShowAt, event.data.at);
      });
    case 'InterviewPrepared':
      return withInterview(state, inPlace, event.data, (i) => {
        i.preparedAt = minInstant(i.preparedAt, event.data.at);
      });
    case 'InterviewHeld':
      return withInterview(state, inPlace, event.data, (i) => {
        i.heldAt = minInstant(i.heldAt, instant(event.data.heldAt));
        i.questionIdsAsked = union(i.questionIdsAsked, event.data.questionIdsAsked);
      });
    case 'ThankYouSent':
      return withInterview(state, inPlace, event.data, (i) => {
        i.thankYouSentAt = minInstant(i.thankYouSentAt, instant(event.data.sentAt));
      });
    case 'ReferralsReceived':
      return withInterview(state, inPlace, event.data, (i) => {
        i.referrals = mergeReferrals(
          i.referrals,
          event.data.referrals.map(({ contactId }) => ({ contactId, receivedAt: event.data.at })),
        );
      });
    case 'ShadowingRequested':
      return withInterview(state, inPlace, event.data, (i) => {
        i.shadowingRequestedAt = minInstant(i.shadowingRequestedAt, event.data.at);
      });
    case 'TouchpointRecorded':
      return withInterview(state, inPlace, event.data, (i) => {
        i.touchpoints = [
          ...i.touchpoints,
          { at: instant(event.data.occurredAt), kind: event.data.kind },
        ].sort(byAtThenKind);
      });
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

/** Folds events into a state (start from a snapshot to continue a projection). */
export function foldStudentProgress(
  state: StudentProgress,
  events: readonly DomainEvent[],
): StudentProgress {
  return events.reduce(evolveStudentProgress, state);
}

/**
 * The state as it was known at `asOf`: only events recorded at or before it (`data.at`) count.
 * `from` may be a snapshot, provided it holds only events recorded at or before `asOf`.
 */
export function foldAsOf(
  from: StudentProgress,
  events: readonly DomainEvent[],
  asOf: string,
): StudentProgress {
  const cutoff = instant(asOf);
  return events.reduce(
    (state, event) =>
      instant(event.data.at) <= cutoff ? evolveStudentProgress(state, event) : state,
    from,
  );
}

// ---- Helpers -------------------------------------------------------------------------------

function counted(state: StudentProgress, inPlace: boolean): StudentProgress {
  const next = inPlace ? state : { ...state };
  next.eventCount = state.eventCount + 1;
  return next;
}

function profile(
  state: StudentProgress,
  inPlace: boolean,
  patch: Partial<StudentProgress>,
): StudentProgress {
  const next = inPlace ? Object.assign(state, patch) : { ...state, ...patch };
  next.eventCount += 1;
  return next;
}

/**
 * The state with `map[key] = value`: a copy of it and its map, or both changed in place. A plain
 * assignment would call the prototype setter for the key `__proto__` (ids are data).
 */
function withEntry<K extends 'contacts' | 'interviews'>(
  state: StudentProgress,
  inPlace: boolean,
  map: K,
  key: string,
  value: StudentProgress[K][string],
): StudentProgress {
  if (!inPlace) return { ...state, [map]: { ...state[map], [key]: value } };
  if (key === '__proto__')
    Object.defineProperty(state[map], key, {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  else (state[map] as Record<string, unknown>)[key] = value;
  return state;
}

/** The student's stays per cohort; for a state stored before they were kept, from its fields. */
export function cohortStaysOf(progress: StudentProgress): Record<string, CohortStays> {
  if (progress.cohorts) return progress.cohorts;
  if (progress.cohortId === null) return {};
  const since = [progress.registeredAt, progress.enrolledAt].filter((at) => at !== null);
  return {
    [progress.cohortId]: {
      enrolledAt: [...new Set(since)].sort(),
      withdrawnAt: progress.withdrawnAt === null ? [] : [progress.withdrawnAt],
    },
  };
}

/** Whether the student was ever on the cohort's roster (as far as the events folded say). */
export function wasInCohort(progress: StudentProgress, cohortId: string): boolean {
  return Object.hasOwn(cohortStaysOf(progress), cohortId);
}

/** Whether the student is on the cohort's roster at the end of the events folded. */
export function enrolledInCohort(progress: StudentProgress, cohortId: string): boolean {
  const stays = cohortStaysOf(progress);
  return Object.hasOwn(stays, cohortId) && lastStay(stays[cohortId]).open;
}

/**
 * The latest stay: enrolments and withdrawals in time order, an enrolment first on a tie (so a
 * withdrawal at the enrolment's instant ends it); a repeated enrolment or withdrawal changes nothing.
 */
function lastStay(stays: CohortStays): { from: string | null; to: string | null; open: boolean } {
  const marks = [
    ...stays.enrolledAt.map((at) => ({ at, enrols: true })),
    ...stays.withdrawnAt.map((at) => ({ at, enrols: false })),
  ].sort((a, b) => compareStrings(a.at, b.at) || (a.enrols === b.enrols ? 0 : a.enrols ? -1 : 1));
  let from: string | null = null;
  let to: string | null = null;
  let open = false;
  for (const mark of marks) {
    if (mark.enrols && !open) [from, to, open] = [mark.at, null, true];
    else if (!mark.enrols && open) [to, open] = [mark.at, false];
  }
  // Only a withdrawal seen (its enrolment not yet): the withdrawal is all there is to show.
  if (from === null && stays.withdrawnAt.length > 0) to = stays.withdrawnAt.at(-1)!;
  return { from, to, open };
}

/**
 * Adds an enrolment or withdrawal instant to the cohort's stays, then derives the current cohort
 * and its fields from all stays, so the result does not depend on the order of events.
 */
function stay(
  state: StudentProgress,
  inPlace: boolean,
  cohortId: string,
  kind: keyof CohortStays,
  at: string,
  patch: Partial<StudentProgress>,
): StudentProgress {
  const before = cohortStaysOf(state);
  const current = Object.hasOwn(before, cohortId)
    ? before[cohortId]
    : { enrolledAt: [], withdrawnAt: [] };
  const instants = current[kind].includes(at) ? current[kind] : [...current[kind], at].sort();
  const cohorts = { ...before };
  Object.defineProperty(cohorts, cohortId, {
    value: { ...current, [kind]: instants },
    writable: true,
    enumerable: true,
    configurable: true,
  });
  const next = inPlace ? Object.assign(state, patch) : { ...state, ...patch };
  next.cohorts = cohorts;
  let latest: { cohortId: string; at: string | null } | null = null;
  for (const [id, stays] of Object.entries(cohorts)) {
    const last = stays.enrolledAt.at(-1) ?? null;
    const later =
      latest === null ||
      compareStrings(last ?? '', latest.at ?? '') > 0 ||
      (last === latest.at && id < latest.cohortId);
    if (later) latest = { cohortId: id, at: last };
  }
  const { from, to, open } = lastStay(cohorts[latest!.cohortId]);
  next.cohortId = latest!.cohortId;
  next.enrolledAt = from;
  next.withdrawnAt = to;
  next.enrolled = open;
  next.eventCount += 1;
  return next;
}

/** The later setting wins; on a tie 'off' wins (the quieter choice), whatever the order. */
function digest(
  state: StudentProgress,
  preference: DigestPreference,
  at: string,
): Pick<StudentProgress, 'digestPreference' | 'digestPreferenceSetAt'> {
  const current = state.digestPreferenceSetAt;
  const replaces =
    current === null ||
    at > current ||
    (at === current && preference === 'off' && state.digestPreference !== 'off');
  return replaces
    ? { digestPreference: preference, digestPreferenceSetAt: at }
    : { digestPreference: state.digestPreference, digestPreferenceSetAt: current };
}

/**
 * Applies `change` to the student's record of a contact: the owned record itself when folding in
 * place, else a copy in a copied state (so the state given is never changed).
 */
function withContact(
  state: StudentProgress,
  inPlace: boolean,
  contactId: string,
  at: string,
  change: (contact: ContactProgress) => void,
): StudentProgress {
  // hasOwn: an id is data, never a way to reach Object.prototype.
  const existing = Object.hasOwn(state.contacts, contactId) ? state.contacts[contactId] : null;
  const contact =
    existing === null ? emptyContact(contactId) : inPlace ? existing : { ...existing };
  change(contact);
  const next =
    contact === existing ? state : withEntry(state, inPlace, 'contacts', contactId, contact);
  next.lastActivityAt = maxInstant(state.lastActivityAt, at);
  next.eventCount += 1;
  return next;
}

function emptyContact(contactId: string): ContactProgress {
  return {
    contactId,
    relationship: 'other',
    organization: null,
    role: null,
    industry: null,
    referredByContactId: null,
    addedAt: null,
    factsAt: null,
    archived: false,
    archivedAt: null,
  };
}

type Facts = Pick<ContactProgress, 'relationship' | 'organization' | 'role' | 'industry'>;

/** Latest facts win; equal instants pick by content so that the order never matters. */
function setFacts(contact: ContactProgress, facts: Facts, at: string): void {
  const current = contact.factsAt;
  const given: Facts = {
    relationship: facts.relationship,
    organization: facts.organization,
    role: facts.role,
    industry: facts.industry,
  };
  const replaces =
    current === null ||
    at > current ||
    (at === current && JSON.stringify(given) > JSON.stringify(factsOf(contact)));
  if (replaces) Object.assign(contact, given, { factsAt: at });
}

function factsOf({ relationship, organization, role, industry }: ContactProgress): Facts {
  return { relationship, organization, role, industry };
}

/**
 * Applies `change` to the student's record of an interview, like `withContact`. Changes replace
 * a record's lists rather than edit them, so a copy of the record may share them.
 */
function withInterview(
  state: StudentProgress,
  inPlace: boolean,
  ref: InterviewRef & { at: string },
  change: (interview: InterviewProgress) => void,
): StudentProgress {
  const existing = Object.hasOwn(state.interviews, ref.interviewId)
    ? state.interviews[ref.interviewId]
    : null;
  const interview = existing === null ? emptyInterview(ref) : inPlace ? existing : { ...existing };
  interview.openedAt = minInstant(interview.openedAt, ref.at) ?? ref.at;
  change(interview);
  interview.status = statusOf(interview);
  const next =
    interview === existing
      ? state
      : withEntry(state, inPlace, 'interviews', ref.interviewId, interview);
  next.lastActivityAt = maxInstant(state.lastActivityAt, ref.at);
  next.eventCount += 1;
  return next;
}

function emptyInterview({ interviewId, contactId, at }: InterviewRef & { at: string }) {
  const interview: InterviewProgress = {
    interviewId,
    contactId,
    status: 'requested',
    openedAt: at,
    requestedAt: null,
    nudgedAt: [],
    respondedAt: null,
    acceptedAt: null,
    declinedAt: null,
    closedUnansweredAt: null,
    scheduledAt: null,
    scheduledFor: null,
    scheduleChangedAt: null,
    rescheduleCount: 0,
    preparedAt: null,
    heldAt: null,
    questionIdsAsked: [],
    thankYouSentAt: null,
    referrals: [],
    shadowingRequestedAt: null,
    touchpoints: [],
    cancelledAt: null,
    noShowAt: null,
  };
  return interview;
}

/** The latest (re)scheduling sets the meeting time; a tie keeps the later meeting time. */
function reschedule(interview: InterviewProgress, at: string, scheduledFor: string): void {
  const slot = instant(scheduledFor);
  const current = interview.scheduleChangedAt;
  const replaces =
    current === null ||
    at > current ||
    (at === current && (interview.scheduledFor === null || slot > interview.scheduledFor));
  if (replaces) {
    interview.scheduledFor = slot;
    interview.scheduleChangedAt = at;
  }
}

/**
 * The interview state machine, read off the timestamps: terminal facts first, then a no-show
 * unless a later scheduling superseded it, then scheduled, accepted, requested.
 */
export function statusOf(interview: InterviewProgress): InterviewProgressStatus {
  if (interview.heldAt !== null) return 'held';
  if (interview.cancelledAt !== null) return 'cancelled';
  if (interview.declinedAt !== null) return 'declined';
  if (interview.closedUnansweredAt !== null) return 'unanswered';
  if (
    interview.noShowAt !== null &&
    (interview.scheduleChangedAt === null || interview.noShowAt >= interview.scheduleChangedAt)
  ) {
    return 'no_show';
  }
  if (interview.scheduledFor !== null) return 'scheduled';
  if (interview.acceptedAt !== null) return 'accepted';
  return 'requested';
}

function union(current: readonly string[], added: readonly string[]): string[] {
  return [...new Set([...current, ...added])].sort();
}

/** A referral is one contact id; receiving it twice keeps the earlier receipt. */
function mergeReferrals(
  current: readonly ReferralProgress[],
  added: readonly ReferralProgress[],
): ReferralProgress[] {
  const byContact = new Map<string, string>();
  for (const { contactId, receivedAt } of [...current, ...added]) {
    byContact.set(
      contactId,
      minInstant(byContact.get(contactId) ?? null, receivedAt) ?? receivedAt,
    );
  }
  return [...byContact]
    .map(([contactId, receivedAt]) => ({ contactId, receivedAt }))
    .sort(
      (a, b) =>
        compareStrings(a.receivedAt, b.receivedAt) || compareStrings(a.contactId, b.contactId),
    );
}

function byAtThenKind(a: TouchpointProgress, b: TouchpointProgress): number {
  return compareStrings(a.at, b.at) || compareStrings(a.kind, b.kind);
}
