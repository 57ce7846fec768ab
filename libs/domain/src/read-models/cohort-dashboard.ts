import { addDays } from '../shared/dates';
import { followUpsOf } from './follow-ups';
import {
  compareStrings,
  daysFrom,
  endOfDate,
  instant,
  isoWeekOf,
  median,
  minInstant,
  ratio,
  roundTo,
  startOfDate,
} from './instants';
import { interviewsOf, isHeld, thankYouDueAt } from './progress-summary';
import { type SettingsAt } from './settings-timeline';
import {
  enrolledInCohort,
  type InterviewProgress,
  type StudentProgress,
  wasInCohort,
} from './student-progress';

export const funnelStages = [
  'contacts',
  'requested',
  'accepted',
  'scheduled',
  'held',
  'thanked',
  'referral',
] as const;
export type FunnelStageName = (typeof funnelStages)[number];

export interface FunnelStage {
  stage: FunnelStageName;
  count: number;
  /** count / previous stage's count; null for the first stage or an empty previous one. */
  conversionFromPrevious: number | null;
  /** Median days from the previous stage's timestamp (one decimal); null without data. */
  medianDaysFromPrevious: number | null;
}

export const activityKinds = [
  'contact_added',
  'request_sent',
  'interview_held',
  'thank_you_sent',
  'referral_received',
  'touchpoint',
] as const;
export type ActivityKind = (typeof activityKinds)[number];

export interface WeeklyActivity {
  /** ISO week label, e.g. `2025-W41`. */
  week: string;
  /** Its Monday, `YYYY-MM-DD`. */
  weekStart: string;
  counts: Record<ActivityKind, number>;
}

export interface CohortDashboardInput {
  cohortId: string;
  startDate: string;
  endDate: string;
  /** The interview target in force for the cohort (override or institution's). */
  target: number;
}

export interface CohortDashboard {
  cohortId: string;
  asOf: string;
  /** Enrolled students of this cohort (everything below is about them only). */
  students: number;
  withdrawn: number;
  funnel: FunnelStage[];
  /** Held interviews with no recorded request: outside the outreach funnel, counted here. */
  heldWithoutRequest: number;
  atTarget: { target: number; students: number; share: number | null };
  overdueFollowUps: number;
  thankYouSla: {
    /** Held interviews whose thank-you was sent, or whose window has closed. */
    decided: number;
    /** Of those, thanked after the window or not at all. */
    breached: number;
    breachRate: number | null;
  };
  /** Contacts by industry (trimmed, lower-cased; 'unspecified' for none), most first. */
  industryMix: { industry: string; contacts: number }[];
  weeklyActivity: WeeklyActivity[];
}

/**
 * The advisor's cohort view at `asOf`, computed from the students' progress states.
 *
 * Funnel: `contacts` counts contacts; the later stages count interviews that began with a
 * request, where reaching a stage implies the earlier ones (held implies scheduled and
 * accepted), so counts never grow down the funnel. `thanked` and `referral` are held interviews
 * with a thank-you and with referrals. Medians use the recorded timestamps where both exist:
 * contact added -> its first request, requested -> accepted, accepted -> first scheduled,
 * first scheduled -> held, held -> thanked; and held -> first referral for `referral`
 * (referrals are often asked for in the meeting itself, before the thank-you).
 */
export function cohortDashboard(
  students: readonly StudentProgress[],
  cohort: CohortDashboardInput,
  settingsAt: SettingsAt,
  asOf: string,
): CohortDashboard {
  const now = instant(asOf);
  const ofCohort = [...students]
    .filter((s) => wasInCohort(s, cohort.cohortId))
    .sort((a, b) => compareStrings(a.studentId, b.studentId));
  // A student who moved on to another cohort counts here as withdrawn (docs/adr/0019).
  const enrolled = ofCohort.filter((s) => enrolledInCohort(s, cohort.cohortId));

  const stages = emptyStages();
  let heldWithoutRequest = 0;
  let atTarget = 0;
  let overdueFollowUps = 0;
  const sla = { decided: 0, breached: 0 };
  const industries = new Map<string, number>();
  const activity = activitySeries(cohort, now);

  for (const student of enrolled) {
    const interviews = interviewsOf(student);
    const contacts = Object.values(student.contacts);

    stages.contacts.count += contacts.length;
    for (const contact of contacts) {
      const first = firstRequestTo(interviews, contact.contactId);
      if (contact.addedAt !== null && first !== null) {
        stages.requested.days.push(daysFrom(contact.addedAt, first));
      }
      const industry = contact.industry?.trim().toLowerCase() || 'unspecified';
      industries.set(industry, (industries.get(industry) ?? 0) + 1);
      activity.count('contact_added', contact.addedAt);
    }

    for (const i of interviews) {
      countFunnel(stages, i);
      if (isHeld(i)) {
        if (i.requestedAt === null) heldWithoutRequest += 1;
        const due = thankYouDueAt(i, settingsAt);
        if (i.thankYouSentAt !== null || now > due) {
          sla.decided += 1;
          if (i.thankYouSentAt === null || i.thankYouSentAt > due) sla.breached += 1;
        }
      }
      activity.count('request_sent', i.requestedAt);
      activity.count('interview_held', i.heldAt);
      activity.count('thank_you_sent', i.thankYouSentAt);
      for (const r of i.referrals) activity.count('referral_received', r.receivedAt);
      for (const t of i.touchpoints) activity.count('touchpoint', t.at);
    }

    if (interviews.filter(isHeld).length >= cohort.target) atTarget += 1;
    overdueFollowUps += followUpsOf(student, settingsAt, now, cohort.target, {
      termEndDate: cohort.endDate,
    }).filter((item) => item.overdue).length;
  }

  return {
    cohortId: cohort.cohortId,
    asOf: now,
    students: enrolled.length,
    withdrawn: ofCohort.length - enrolled.length,
    funnel: funnelStages.map((stage, index) => {
      const previous = index === 0 ? null : stages[funnelStages[index - 1]];
      const days = median(stages[stage].days);
      return {
        stage,
        count: stages[stage].count,
        conversionFromPrevious:
          previous === null ? null : ratio(stages[stage].count, previous.count),
        medianDaysFromPrevious: days === null ? null : roundTo(days, 1),
      };
    }),
    heldWithoutRequest,
    atTarget: {
      target: cohort.target,
      students: atTarget,
      share: ratio(atTarget, enrolled.length),
    },
    overdueFollowUps,
    thankYouSla: { ...sla, breachRate: ratio(sla.breached, sla.decided) },
    industryMix: [...industries]
      .map(([industry, count]) => ({ industry, contacts: count }))
      .sort((a, b) => b.contacts - a.contacts || compareStrings(a.industry, b.industry)),
    weeklyActivity: activity.weeks,
  };
}

type StageTally = Record<FunnelStageName, { count: number; days: number[] }>;

function emptyStages(): StageTally {
  const tally = {} as StageTally;
  for (const stage of funnelStages) tally[stage] = { count: 0, days: [] };
  return tally;
}

function countFunnel(stages: StageTally, i: InterviewProgress): void {
  if (i.requestedAt === null) return;
  const accepted = i.acceptedAt ?? i.scheduledAt ?? i.heldAt;
  const scheduled = i.scheduledAt ?? i.heldAt;
  stages.requested.count += 1;
  if (accepted !== null) stages.accepted.count += 1;
  if (scheduled !== null) stages.scheduled.count += 1;
  if (i.acceptedAt !== null) stages.accepted.days.push(daysFrom(i.requestedAt, i.acceptedAt));
  if (i.acceptedAt !== null && i.scheduledAt !== null) {
    stages.scheduled.days.push(daysFrom(i.acceptedAt, i.scheduledAt));
  }
  if (i.heldAt === null) return;
  stages.held.count += 1;
  if (i.scheduledAt !== null) stages.held.days.push(daysFrom(i.scheduledAt, i.heldAt));
  if (i.thankYouSentAt !== null) {
    stages.thanked.count += 1;
    stages.thanked.days.push(daysFrom(i.heldAt, i.thankYouSentAt));
  }
  if (i.referrals.length > 0) {
    stages.referral.count += 1;
    stages.referral.days.push(daysFrom(i.heldAt, i.referrals[0].receivedAt));
  }
}

function firstRequestTo(interviews: readonly InterviewProgress[], contactId: string) {
  let first: string | null = null;
  for (const i of interviews)
    if (i.contactId === contactId) first = minInstant(first, i.requestedAt);
  return first;
}

/**
 * Weeks from the one holding the term's start to the one holding min(term end, asOf); counts
 * only instants inside [term start, min(term end, asOf)].
 */
function activitySeries(cohort: CohortDashboardInput, now: string) {
  const from = startOfDate(cohort.startDate);
  const termEnd = endOfDate(cohort.endDate);
  const until = now < termEnd ? now : termEnd;
  const weeks: WeeklyActivity[] = [];
  const index = new Map<string, WeeklyActivity>();
  if (from <= until) {
    // The exclusive term end is the next day's midnight: its week is not part of the term.
    const last = isoWeekOf(until === termEnd ? startOfDate(cohort.endDate) : until).weekStart;
    for (
      let day = isoWeekOf(from).weekStart;
      day <= last;
      day = addDays(startOfDate(day), 7).slice(0, 10)
    ) {
      const week: WeeklyActivity = {
        week: isoWeekOf(startOfDate(day)).week,
        weekStart: day,
        counts: Object.fromEntries(activityKinds.map((kind) => [kind, 0])) as Record<
          ActivityKind,
          number
        >,
      };
      weeks.push(week);
      index.set(day, week);
    }
  }
  return {
    weeks,
    count(kind: ActivityKind, at: string | null): void {
      if (at === null || at < from || at > until || (at === until && until === termEnd)) return;
      const week = index.get(isoWeekOf(at).weekStart);
      if (week) week.counts[kind] += 1;
    },
  };
}
