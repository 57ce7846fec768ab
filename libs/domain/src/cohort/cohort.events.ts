import { type Event } from '../shared/decider';

/** The cohort's descriptive facts; created and updated events both carry all of them. */
export interface CohortDetails {
  cohortId: string;
  name: string;
  /** Free label such as "Fall 2025". */
  term: string;
  /** Calendar dates, `YYYY-MM-DD`. */
  startDate: string;
  endDate: string;
  /** Replaces the institution's interview target for this cohort; null means "use it". */
  interviewTargetOverride: number | null;
  /**
   * Whether students enrolled from now on get a welcome email. Events written before the
   * setting existed lack it, which means on: read it through `welcomesNewStudents`.
   */
  welcomeEmails?: boolean;
}

export type CohortCreated = Event<'CohortCreated', CohortDetails & { at: string }>;

export type CohortUpdated = Event<'CohortUpdated', CohortDetails & { at: string }>;

export type AdvisorAssigned = Event<
  'AdvisorAssigned',
  { cohortId: string; advisorId: string; at: string }
>;

export type AdvisorUnassigned = Event<
  'AdvisorUnassigned',
  { cohortId: string; advisorId: string; at: string }
>;

/**
 * One per accepted enrolment row; a reactor registers the student from it. The optional roster
 * fields are present only when the roster gave them (and absent in events recorded before).
 */
export type StudentEnrolled = Event<
  'StudentEnrolled',
  {
    cohortId: string;
    studentId: string;
    at: string;
    program?: string;
    graduationYear?: number;
    /** Trimmed name and external id; email trimmed and lower-cased. */
    personal: { name: string; email: string; externalId?: string };
  }
>;

export type StudentWithdrawn = Event<
  'StudentWithdrawn',
  { cohortId: string; studentId: string; at: string }
>;

export type CohortEvent =
  | CohortCreated
  | CohortUpdated
  | AdvisorAssigned
  | AdvisorUnassigned
  | StudentEnrolled
  | StudentWithdrawn;

export type CohortEventType = CohortEvent['type'];

export const CohortEventSchemaVersions: Record<CohortEventType, number> = {
  CohortCreated: 1,
  CohortUpdated: 1,
  AdvisorAssigned: 1,
  AdvisorUnassigned: 1,
  StudentEnrolled: 1,
  StudentWithdrawn: 1,
};
