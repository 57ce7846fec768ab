import { DomainError } from '../shared/domain-error';
import { isValidEmail, normalizeEmail } from '../shared/validation';
import { type EnrollmentRow } from './cohort.commands';

/** A roster upload beyond this is refused whole: split the file instead. */
export const MAX_ENROLLMENT_ROWS = 1_000;

export type EnrollmentRejectionReason =
  'INVALID_EMAIL' | 'DUPLICATE_IN_BATCH' | 'ALREADY_ENROLLED' | 'MISSING_NAME';

export interface AcceptedEnrollment {
  /** Zero-based index of the row in the upload. */
  row: number;
  studentId: string;
  name: string;
  /** Trimmed and lower-cased. */
  email: string;
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

/**
 * Splits a roster into rows to enrol and rows to report back. Good rows proceed even when
 * others fail. The cohort decider and the upload service both call it, so the report the
 * user sees is exactly what was recorded.
 */
export function planEnrollment(
  rows: readonly EnrollmentRow[],
  alreadyEnrolledEmails: Iterable<string>,
): EnrollmentPlan | DomainError {
  if (rows.length > MAX_ENROLLMENT_ROWS) {
    return DomainError.limitExceeded(
      `At most ${MAX_ENROLLMENT_ROWS} students can be enrolled at once; this upload has ${rows.length}`,
      'rows',
    );
  }
  const enrolled = new Set([...alreadyEnrolledEmails].map(normalizeEmail));
  // Only accepted rows claim an email, so a bad first row does not block a good later one.
  const claimed = new Set<string>();
  const plan: EnrollmentPlan = { accepted: [], rejected: [] };

  rows.forEach(({ studentId, name, email: rawEmail }, row) => {
    const email = normalizeEmail(rawEmail ?? '');
    const reason: EnrollmentRejectionReason | null =
      (name ?? '').trim() === ''
        ? 'MISSING_NAME'
        : !isValidEmail(email)
          ? 'INVALID_EMAIL'
          : enrolled.has(email)
            ? 'ALREADY_ENROLLED'
            : claimed.has(email)
              ? 'DUPLICATE_IN_BATCH'
              : null;
    if (reason) {
      plan.rejected.push({ row, email: (rawEmail ?? '').trim(), reason });
    } else {
      claimed.add(email);
      plan.accepted.push({ row, studentId, name: name.trim(), email });
    }
  });
  return plan;
}
