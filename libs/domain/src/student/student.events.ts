import { type ErasureReason } from '../privacy/erasure';
import { type Event } from '../shared/decider';

export type DigestPreference = 'weekly' | 'off';
export const digestPreferences: readonly DigestPreference[] = ['weekly', 'off'];

/** Name and email are encrypted per student later; interests are broad fields, not identity. */
export interface StudentPersonal {
  name: string;
  email: string;
  /**
   * The institution's own id for the student (from a roster file), which sign-in may match.
   * Absent on students enrolled without one and in events recorded before it existed.
   */
  externalId?: string;
}

/** What a roster says about a student beyond the person: absent when the roster did not say. */
export interface StudentRecordFields {
  program?: string;
  graduationYear?: number;
}

export type StudentRegistered = Event<
  'StudentRegistered',
  StudentRecordFields & {
    studentId: string;
    cohortId: string;
    careerInterests: string[];
    digestPreference: DigestPreference;
    at: string;
    personal: StudentPersonal;
  }
>;

/**
 * Carries the whole profile after the change. Since email changes are verified, `email` here
 * is the confirmed address unchanged; older events in a log may carry a new one, which took
 * effect at once.
 */
export type StudentProfileUpdated = Event<
  'StudentProfileUpdated',
  {
    studentId: string;
    careerInterests: string[];
    at: string;
    personal: Pick<StudentPersonal, 'name' | 'email'>;
  }
>;

/**
 * An admin corrected the institution's record of the student (from a roster file). Carries the
 * whole record after the change; null means "none". The email is never part of it.
 */
export type StudentRecordCorrected = Event<
  'StudentRecordCorrected',
  {
    studentId: string;
    program: string | null;
    graduationYear: number | null;
    at: string;
    personal: { name: string; externalId: string | null };
  }
>;

/**
 * The student asked for a new address; it takes effect only when confirmed from a link sent
 * to it. A newer request replaces this one.
 */
export type StudentEmailChangeRequested = Event<
  'StudentEmailChangeRequested',
  { studentId: string; requestId: string; at: string; personal: { pendingEmail: string } }
>;

/** The new address of a request was confirmed from its link: mail goes there from now on. */
export type StudentEmailChanged = Event<
  'StudentEmailChanged',
  { studentId: string; requestId: string; at: string; personal: { email: string } }
>;

/**
 * A student of the institution was enrolled in another cohort (a returning student): one person,
 * one history. `StudentRegistered` stays the first enrolment (in its own cohort, at its instant).
 */
export type StudentJoinedCohort = Event<
  'StudentJoinedCohort',
  { studentId: string; cohortId: string; at: string }
>;

/** The student left a cohort's roster: withdrawn, or moved to the cohort they joined. */
export type StudentLeftCohort = Event<
  'StudentLeftCohort',
  { studentId: string; cohortId: string; at: string }
>;

export type DigestPreferenceSet = Event<
  'DigestPreferenceSet',
  { studentId: string; preference: DigestPreference; at: string }
>;

/**
 * The student asked for a (new) private calendar feed: `feedId` is random, from the caller, and
 * names the only feed URL that works from now on (an earlier one stops working).
 */
export type CalendarFeedRenewed = Event<
  'CalendarFeedRenewed',
  { studentId: string; feedId: string; at: string }
>;

/** The student turned their calendar feed off: no feed URL works until they renew it. */
export type CalendarFeedRevoked = Event<'CalendarFeedRevoked', { studentId: string; at: string }>;

/** The student's data was exported as JSON (by them or an admin: the actor is in the metadata). */
export type StudentDataExported = Event<'StudentDataExported', { studentId: string; at: string }>;
/**
 * The student was erased (docs/adr/0025): their data key is destroyed, so every personal part of
 * their events reads as a placeholder, and nothing more is recorded about them. Ids only.
 */
export type StudentErased = Event<
  'StudentErased',
  { studentId: string; reason: ErasureReason; at: string }
>;

export type StudentEvent =
  | StudentRegistered
  | StudentProfileUpdated
  | StudentEmailChangeRequested
  | StudentEmailChanged
  | StudentRecordCorrected
  | StudentJoinedCohort
  | StudentLeftCohort
  | DigestPreferenceSet
  | CalendarFeedRenewed
  | CalendarFeedRevoked
  | StudentDataExported
  | StudentErased;

export type StudentEventType = StudentEvent['type'];

export const StudentEventSchemaVersions: Record<StudentEventType, number> = {
  StudentRegistered: 1,
  StudentProfileUpdated: 1,
  StudentEmailChangeRequested: 1,
  StudentEmailChanged: 1,
  StudentRecordCorrected: 1,
  StudentJoinedCohort: 1,
  StudentLeftCohort: 1,
  DigestPreferenceSet: 1,
  CalendarFeedRenewed: 1,
  CalendarFeedRevoked: 1,
  StudentDataExported: 1,
  StudentErased: 1,
};
