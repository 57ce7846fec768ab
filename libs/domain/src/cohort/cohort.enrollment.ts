import { DomainError } from '../shared/domain-error';
import { isValidEmail, normalizeEmail, TEXT_LIMITS } from '../shared/validation';
import {
  GRADUATION_YEARS,
  MAX_EXTERNAL_ID_LENGTH,
  type StudentState,
} from '../student/student.decider';
import { type CohortState } from './cohort.decider';
import { type EnrollmentRow } from './cohort.commands';

/** A roster upload beyond this is refused whole: split the file instead. */
export const MAX_ENROLLMENT_ROWS = 1_000;

export type EnrollmentRejectionReason =
  | 'INVALID_EMAIL'
  | 'DUPLICATE_IN_BATCH'
  | 'ALREADY_ENROLLED'
  | 'MISSING_NAME'
  | 'FIELD_TOO_LONG'
  | 'INVALID_GRADUATION_YEAR'
  | 'DUPLICATE_EXTERNAL_ID'
  /** Another student of the institution has this external id (checked by the caller: it spans cohorts). */
  | 'EXTERNAL_ID_TAKEN';

export interface AcceptedEnrollment {
  /** Zero-based index of the row in the upload. */
  row: number;
  studentId: string;
  name: string;
  /** Trimmed and lower-cased. */
  email: string;
  externalId?: string;
  program?: string;
  graduationYear?: number;
}

export interface RejectedEnrollment {
  row: number;
  email: string;
  reason: EnrollmentRejectionReason;
}

export interface EnrollmentPlan {
  accepted: AcceptedEnrollment[];
  rejected: RejectedEnrollment[];
}

/** A roster row with its text trimmed, blank optional fields dropped and the email normalised. */
export type CleanEnrollmentRow = Omit<AcceptedEnrollment, 'row'>;

export function cleanEnrollmentRow(row: EnrollmentRow): CleanEnrollmentRow {
  const externalId = row.externalId?.trim();
  const program = row.program?.trim();
  return {
    studentId: row.studentId,
    name: (row.name ?? '').trim(),
    email: normalizeEmail(row.email ?? ''),
    ...(externalId ? { externalId } : {}),
    ...(program ? { program } : {}),
    ...(row.graduationYear === undefined ? {} : { graduationYear: row.graduationYear }),
  };
}

/**
 * What is wrong with one row on its own (before it is compared with the roster or the other
 * rows), or null. The same limits as the student decider's, so an accepted row always registers.
 */
export function enrollmentRowProblem(row: CleanEnrollmentRow): EnrollmentRejectionReason | null {
  if (row.name === '') return 'MISSING_NAME';
  if (!isValidEmail(row.email)) return 'INVALID_EMAIL';
  if (
    row.name.length > TEXT_LIMITS.short ||
    (row.externalId?.length ?? 0) > MAX_EXTERNAL_ID_LENGTH ||
    (row.program?.length ?? 0) > TEXT_LIMITS.short
  ) {
    return 'FIELD_TOO_LONG';
  }
  const year = row.graduationYear;
  if (
    year !== undefined &&
    !(Number.isInteger(year) && year >= GRADUATION_YEARS.min && year <= GRADUATION_YEARS.max)
  ) {
    return 'INVALID_GRADUATION_YEAR';
  }
  return null;
}

/**
 * Splits a roster into rows to enrol and rows to report back. Good rows proceed even when
 * others fail. The cohort decider and the upload service both call it, so the report the
 * user sees is exactly what was recorded.
 */
export function planEnrollment(
  rows: readonly EnrollmentRow[],
  /** The cohort's roster before the upload: studentId -> email. */
  roster: ReadonlyMap<string, string>,
): EnrollmentPlan | DomainError {
  if (rows.length > MAX_ENROLLMENT_ROWS) {
    return DomainError.limitExceeded(
      `At most ${MAX_ENROLLMENT_ROWS} students can be enrolled at once; this upload has ${rows.length}`,
      'rows',
    );
  }
  const enrolled = new Set([...roster.values()].map(normalizeEmail));
  // Only accepted rows claim an email, external id or student, so a bad first row does not block a good later one.
  const claimed = new Set<string>();
  const claimedStudents = new Set<string>();
  const claimedExternalIds = new Set<string>();
  const plan: EnrollmentPlan = { accepted: [], rejected: [] };

  rows.forEach((raw, row) => {
    const clean = cleanEnrollmentRow(raw);
    const reason: EnrollmentRejectionReason | null =
      enrollmentRowProblem(clean) ??
      // A row may name a student of the institution by external id with another email.
      (enrolled.has(clean.email) || roster.has(clean.studentId)
        ? 'ALREADY_ENROLLED'
        : claimed.has(clean.email) || claimedStudents.has(clean.studentId)
          ? 'DUPLICATE_IN_BATCH'
          : clean.externalId !== undefined && claimedExternalIds.has(clean.externalId)
            ? 'DUPLICATE_EXTERNAL_ID'
            : null);
    if (reason) {
      plan.rejected.push({ row, email: (raw.email ?? '').trim(), reason });
    } else {
      claimed.add(clean.email);
      claimedStudents.add(clean.studentId);
      if (clean.externalId !== undefined) claimedExternalIds.add(clean.externalId);
      plan.accepted.push({ row, ...clean });
    }
  });
  return plan;
}

/**
 * Whether a student is on their current cohort's roster now (registered, not withdrawn): only
 * such a student records their journey. `cohort` is the state of `student.cohortId`.
 */
export function onRoster(student: StudentState, cohort: CohortState | null): boolean {
  return (
    student.status === 'registered' &&
    cohort?.status === 'active' &&
    cohort.students.has(student.studentId)
  );
}
