import { type ErasureReason } from '../privacy/erasure';
import { type Command } from '../shared/decider';
import {
  type DigestPreference,
  type StudentPersonal,
  type StudentRecordFields,
} from './student.events';

export type RegisterStudent = Command<
  'RegisterStudent',
  StudentRecordFields & {
    studentId: string;
    cohortId: string;
    careerInterests: string[];
    personal: StudentPersonal;
    at: string;
  }
>;

/**
 * Partial: absent fields keep their value. A new email is only requested (see
 * ConfirmStudentEmailChange); `emailChangeRequestId` names that request and is needed only then.
 */
export type UpdateStudentProfile = Command<
  'UpdateStudentProfile',
  {
    studentId: string;
    careerInterests?: string[];
    personal?: Partial<StudentPersonal>;
    emailChangeRequestId?: string;
    at: string;
  }
>;

/** Confirms a requested email change, from the link sent to the new address. */
export type ConfirmStudentEmailChange = Command<
  'ConfirmStudentEmailChange',
  { studentId: string; requestId: string; at: string }
>;

/**
 * An admin's correction of the institution's record (a roster file): absent fields keep their
 * value. There is no email here: an address changes only through the verified flow.
 */
export type CorrectStudentRecord = Command<
  'CorrectStudentRecord',
  {
    studentId: string;
    program?: string;
    graduationYear?: number;
    personal?: { name?: string; externalId?: string };
    at: string;
  }
>;

/**
 * Enrols a student of the institution in another cohort, with the record the new roster gives
 * (absent fields keep their value, as in CorrectStudentRecord).
 */
export type JoinCohort = Command<
  'JoinCohort',
  Omit<CorrectStudentRecord['data'], 'at'> & { cohortId: string; at: string }
>;

/** The student left a cohort's roster (withdrawn); records nothing if they were not on it. */
export type LeaveCohort = Command<
  'LeaveCohort',
  { studentId: string; cohortId: string; at: string }
>;

export type SetDigestPreference = Command<
  'SetDigestPreference',
  { studentId: string; preference: DigestPreference; at: string }
>;

/** A new feed URL replaces the current one; `feedId` is random (never derived from the student). */
export type RenewCalendarFeed = Command<
  'RenewCalendarFeed',
  { studentId: string; feedId: string; at: string }
>;

/** Turns the feed off; records nothing when there is none. */
export type RevokeCalendarFeed = Command<'RevokeCalendarFeed', { studentId: string; at: string }>;

/** Erases the student (admins, or the retention job); erasing again records nothing. */
export type EraseStudent = Command<
  'EraseStudent',
  { studentId: string; reason: ErasureReason; at: string }
>;

export type StudentCommand =
  | RegisterStudent
  | UpdateStudentProfile
  | ConfirmStudentEmailChange
  | CorrectStudentRecord
  | JoinCohort
  | LeaveCohort
  | SetDigestPreference
  | RenewCalendarFeed
  | RevokeCalendarFeed
  | EraseStudent;
