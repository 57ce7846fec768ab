import { type Event } from '../shared/decider';

export type DigestPreference = 'weekly' | 'off';
export const digestPreferences: readonly DigestPreference[] = ['weekly', 'off'];

/** Name and email are encrypted per student later; interests are broad fields, not identity. */
export interface StudentPersonal {
  name: string;
  email: string;
}

export type StudentRegistered = Event<
  'StudentRegistered',
  {
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
  { studentId: string; careerInterests: string[]; at: string; personal: StudentPersonal }
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

export type DigestPreferenceSet = Event<
  'DigestPreferenceSet',
  { studentId: string; preference: DigestPreference; at: string }
>;

export type StudentEvent =
  | StudentRegistered
  | StudentProfileUpdated
  | StudentEmailChangeRequested
  | StudentEmailChanged
  | DigestPreferenceSet;

export type StudentEventType = StudentEvent['type'];

export const StudentEventSchemaVersions: Record<StudentEventType, number> = {
  StudentRegistered: 1,
  StudentProfileUpdated: 1,
  StudentEmailChangeRequested: 1,
  StudentEmailChanged: 1,
  DigestPreferenceSet: 1,
};
