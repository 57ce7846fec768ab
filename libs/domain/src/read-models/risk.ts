import { type FollowUpItem } from './follow-ups';
import { compareStrings, daysFrom, endOfDate, instant, maxInstant, startOfDate } from './instants';
import { type ProgressSummary } from './progress-summary';

/** Days without a contact or interview event before a student counts as inactive. */
export const INACTIVITY_DAYS = 14;

/** Weights: stalled at mid-term matters most, then silence, then each overdue item (capped). */
export const RISK_WEIGHTS = {
  noInterviewAtMidTerm: 4,
  inactive: 3,
  perOverdueItem: 1,
  maxOverdueItems: 5,
} as const;

export interface RiskAssessment {
  score: number;
  /** Readable and free of personal data; in a fixed order (mid-term, inactivity, overdue). */
  reasons: string[];
}

export interface CohortTerm {
  /** Calendar dates `YYYY-MM-DD`; the end date is inclusive. */
  startDate: string;
  endDate: string;
}

/**
 * How much a student needs an advisor's attention at `asOf`. Withdrawn students score 0.
 * - no interview at mid-term: `asOf` is past the middle of the term and nothing was held;
 * - inactive: no contact or interview event for 14 days, counted from the latest of the last
 *   activity, the start of the term and the enrolment (so newcomers get a fair start);
 * - overdue: each overdue follow-up adds a point, at most five.
 */
export function riskOf(
  summary: ProgressSummary,
  followUps: readonly FollowUpItem[],
  cohort: CohortTerm,
  asOf: string,
): RiskAssessment {
  if (!summary.enrolled) return { score: 0, reasons: [] };
  const now = instant(asOf);
  const reasons: string[] = [];
  let score = 0;

  const termStart = startOfDate(cohort.startDate);
  if (now > midTerm(cohort) && summary.interviews.held === 0) {
    score += RISK_WEIGHTS.noInterviewAtMidTerm;
    reasons.push('No interview held by mid-term');
  }

  const quietSince = maxInstant(maxInstant(summary.lastActivityAt, termStart), summary.since);
  if (quietSince !== null && daysFrom(quietSince, now) >= INACTIVITY_DAYS) {
    score += RISK_WEIGHTS.inactive;
    reasons.push(
      summary.lastActivityAt === null
        ? `No activity yet, ${INACTIVITY_DAYS}+ days into the term`
        : `No activity in ${INACTIVITY_DAYS} days`,
    );
  }

  const overdue = followUps.filter((item) => item.overdue).length;
  if (overdue > 0) {
    score += RISK_WEIGHTS.perOverdueItem * Math.min(overdue, RISK_WEIGHTS.maxOverdueItems);
    reasons.push(overdue === 1 ? '1 overdue follow-up' : `${overdue} overdue follow-ups`);
  }

  return { score, reasons };
}

/** The instant halfway through the term (end date inclusive). */
export function midTerm(cohort: CohortTerm): string {
  const start = Date.parse(startOfDate(cohort.startDate));
  const end = Date.parse(endOfDate(cohort.endDate));
  return new Date(start + (end - start) / 2).toISOString();
}

/** Highest score first, then more reasons, then student id: the same order every time. */
export function compareByRisk(
  a: { studentId: string; risk: RiskAssessment },
  b: { studentId: string; risk: RiskAssessment },
): number {
  return (
    b.risk.score - a.risk.score ||
    b.risk.reasons.length - a.risk.reasons.length ||
    compareStrings(a.studentId, b.studentId)
  );
}

/** A sorted copy, most at risk first. */
export function rankByRisk<T extends { studentId: string; risk: RiskAssessment }>(
  rows: readonly T[],
): T[] {
  return [...rows].sort(compareByRisk);
}
