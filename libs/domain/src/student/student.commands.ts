import { type Command } from '../shared/decider';
import { type DigestPreference, type StudentPersonal } from './student.events';

export type RegisterStudent = Command<
  'RegisterStudent',
  {
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

export type SetDigestPreference = Command<
  'SetDigestPreference',
  { studentId: string; preference: DigestPreference; at: string }
>;

export type StudentCommand =
  RegisterStudent | UpdateStudentProfile | ConfirmStudentEmailChange | SetDigestPreference;
