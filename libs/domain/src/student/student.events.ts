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

/** Carries the whole profile after the change. */
export type StudentProfileUpdated = Event<
  'StudentProfileUpdated',
  { studentId: string; careerInterests: string[]; at: string; personal: StudentPersonal }
>;

export type DigestPreferenceSet = Event<
  'DigestPreferenceSet',
  { studentId: string; preference: DigestPreference; at: string }
>;

export type StudentEvent = StudentRegistered | StudentProfileUpdated | DigestPreferenceSet;

export type StudentEventType = StudentEvent['type'];

export const StudentEventSchemaVersions: Record<StudentEventType, number> = {
  StudentRegistered: 1,
  StudentProfileUpdated: 1,
  DigestPreferenceSet: 1,
};
