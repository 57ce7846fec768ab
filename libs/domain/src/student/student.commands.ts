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

/** Partial: absent fields keep their value. */
export type UpdateStudentProfile = Command<
  'UpdateStudentProfile',
  {
    studentId: string;
    careerInterests?: string[];
    personal?: Partial<StudentPersonal>;
    at: string;
  }
>;

export type SetDigestPreference = Command<
  'SetDigestPreference',
  { studentId: string; preference: DigestPreference; at: string }
>;

export type StudentCommand = RegisterStudent | UpdateStudentProfile | SetDigestPreference;
