import { type Command } from '../shared/decider';

export type CreateCohort = Command<
  'CreateCohort',
  {
    cohortId: string;
    name: string;
    term: string;
    startDate: string;
    endDate: string;
    interviewTargetOverride?: number | null;
    /** Welcome emails to students enrolled from now on; on unless false. */
    welcomeEmails?: boolean;
    at: string;
  }
>;

/** Partial: absent fields keep their value; `interviewTargetOverride: null` clears it. */
export type UpdateCohort = Command<
  'UpdateCohort',
  {
    cohortId: string;
    name?: string;
    term?: string;
    startDate?: string;
    endDate?: string;
    interviewTargetOverride?: number | null;
    welcomeEmails?: boolean;
    at: string;
  }
>;

export type AssignAdvisor = Command<
  'AssignAdvisor',
  { cohortId: string; advisorId: string; at: string }
>;

export type UnassignAdvisor = Command<
  'UnassignAdvisor',
  { cohortId: string; advisorId: string; at: string }
>;

/**
 * One row of a roster upload. The caller sets `studentId` before deciding: the id of the
 * institution's student the row names (by email or external id), or a new one.
 */
export interface EnrollmentRow {
  studentId: string;
  name: string;
  email: string;
  /** Optional roster columns: absent when the roster did not give them. */
  externalId?: string;
  program?: string;
  graduationYear?: number;
}

export type EnrollStudents = Command<
  'EnrollStudents',
  { cohortId: string; rows: EnrollmentRow[]; at: string }
>;

export type WithdrawStudent = Command<
  'WithdrawStudent',
  { cohortId: string; studentId: string; at: string }
>;

export type CohortCommand =
  CreateCohort | UpdateCohort | AssignAdvisor | UnassignAdvisor | EnrollStudents | WithdrawStudent;
