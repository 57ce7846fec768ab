import { contactRelationships, type ContactRelationship } from '../contact/contact.events';
import { type InstitutionSettings } from '../institution/institution.settings';
import { touchpointKinds, type TouchpointKind } from '../interview/interview.events';
import { addDays } from '../shared/dates';
import { compareStrings, instant, ratio } from './instants';
import { asSettingsAt, type SettingsAt } from './settings-timeline';
import { type InterviewProgress, type StudentProgress } from './student-progress';

/**
 * Where a student stands, checked in this order (the first that holds wins):
 * 1. at_target      — interviews held >= target;
 * 2. interviewing   — a meeting is in the works (accepted, scheduled, or missed and not closed);
 * 3. following_up   — a held interview still lacks a thank-you, or a referral is not contacted;
 * 4. reaching_out   — a request was sent or an interview held (looking for the next one);
 * 5. brainstorming  — contacts listed, nothing sent yet;
 * 6. not_started    — no contacts and no interviews.
 */
export const progressStages = [
  'not_started',
  'brainstorming',
  'reaching_out',
  'interviewing',
  'following_up',
  'at_target',
] as const;
export type ProgressStage = (typeof progressStages)[number];

/** `rate` is `count / of`, null when `of` is 0 (nothing to judge yet). */
export interface Rate {
  count: number;
  of: number;
  rate: number | null;
}

/** The guide's referral question; institutions may file more under the `referrals` theme. */
export const defaultReferralQuestionIds: readonly string[] = ['q-anyone-else'];

export interface SummaryOptions {
  /** The cohort's override of the institution's interview target. */
  target?: number;
  asOf: string;
  /** Bank questions that ask for referrals (default: the guide's one). */
  referralQuestionIds?: readonly string[];
}

export interface ProgressSummary {
  studentId: string;
  cohortId: string | null;
  enrolled: boolean;
  /** Enrolment (or registration): when the student's clock started. */
  since: string | null;
  asOf: string;
  contacts: {
    /** All contacts ever added, archived ones included. */
    total: number;
    archived: number;
    byRelationship: Record<ContactRelationship, number>;
  };
  requests: {
    sent: number;
    /** Explicitly accepted, scheduled or held. */
    accepted: number;
    declined: number;
    unanswered: number;
    /** Still waiting for a reply. */
    pending: number;
    cancelled: number;
    nudges: number;
  };
  interviews: {
    held: number;
    /** Held without a recorded request (the conversation happened offline). */
    heldWithoutRequest: number;
    /** Scheduled for a time after `asOf`. */
    upcoming: number;
    noShows: number;
    target: number;
    stretchTarget: number;
    /** max(0, target - held). */
    remaining: number;
    atTarget: boolean;
    atStretch: boolean;
  };
  thankYous: {
    sent: number;
    withinWindow: number;
    late: number;
    /** Not sent and the window has closed. */
    missing: number;
    /** Not sent and the window is still open. */
    pending: number;
  };
  referrals: {
    /** Distinct referred contacts. */
    received: number;
    /** Referred contacts with a request sent. */
    requested: number;
    /** Referred contacts with a request sent or an interview held. */
    contacted: number;
    /** Held interviews that produced at least one referral. */
    interviewsWithReferrals: number;
  };
  touchpoints: { total: number; byKind: Record<TouchpointKind, number> };
  shadowingRequests: number;
  lastActivityAt: string | null;
  stage: ProgressStage;
  /**
   * How closely the guide was followed, over held interviews:
   * - preparedBeforeInterview: prepared at or before the time it was held / all held;
   * - thankedWithinWindow: thanked within the window / held whose outcome is known
   *   (thanked, or the window closed unthanked);
   * - askedForReferrals: produced referrals or asked a referral question / all held.
   */
  adherence: {
    preparedBeforeInterview: Rate;
    thankedWithinWindow: Rate;
    askedForReferrals: Rate;
  };
}

/**
 * Summarises a student's progress at `asOf`. Counts come from the state as given: for a view of
 * the past, pass the state folded as of that instant (`foldAsOf`). `settings` may be a lookup by
 * instant so thank-you windows use the settings in force when each interview was held; target
 * and stretch come from the settings at `asOf`.
 */
export function summarizeProgress(
  progress: StudentProgress,
  settings: InstitutionSettings | SettingsAt,
  options: SummaryOptions,
): ProgressSummary {
  const asOf = instant(options.asOf);
  const settingsAt = asSettingsAt(settings);
  const current = settingsAt(asOf);
  const target = options.target ?? current.interviewTarget;
  const stretchTarget = Math.max(current.interviewStretchTarget, target);
  const referralQuestions = new Set(options.referralQuestionIds ?? defaultReferralQuestionIds);

  const contacts = Object.values(progress.contacts);
  const interviews = interviewsOf(progress);
  const held = interviews.filter(isHeld);

  const byRelationship = countBy(
    contactRelationships,
    contacts.map((c) => c.relationship),
  );
  const touchpoints = interviews.flatMap((i) => i.touchpoints);

  const thankYous = { sent: 0, withinWindow: 0, late: 0, missing: 0, pending: 0 };
  for (const interview of held) {
    const due = thankYouDueAt(interview, settingsAt);
    if (interview.thankYouSentAt !== null) {
      thankYous.sent += 1;
      if (interview.thankYouSentAt <= due) thankYous.withinWindow += 1;
      else thankYous.late += 1;
    } else if (asOf > due) thankYous.missing += 1;
    else thankYous.pending += 1;
  }

  const referred = referredContactIds(progress);
  const requestedContacts = new Set(
    interviews.filter((i) => i.requestedAt !== null).map((i) => i.contactId),
  );
  const contactedContacts = new Set(
    interviews.filter((i) => i.requestedAt !== null || i.heldAt !== null).map((i) => i.contactId),
  );
  const referrals = {
    received: referred.length,
    requested: referred.filter((id) => requestedContacts.has(id)).length,
    contacted: referred.filter((id) => contactedContacts.has(id)).length,
    interviewsWithReferrals: held.filter((i) => i.referrals.length > 0).length,
  };

  const heldCount = held.length;
  const summary: Omit<ProgressSummary, 'stage'> = {
    studentId: progress.studentId,
    cohortId: progress.cohortId,
    enrolled: progress.enrolled,
    since: progress.enrolledAt ?? progress.registeredAt,
    asOf,
    contacts: {
      total: contacts.length,
      archived: contacts.filter((c) => c.archived).length,
      byRelationship,
    },
    requests: {
      sent: interviews.filter((i) => i.requestedAt !== null).length,
      accepted: interviews.filter(
        (i) => i.requestedAt !== null && (i.acceptedAt !== null || i.heldAt !== null),
      ).length,
      declined: interviews.filter((i) => i.status === 'declined').length,
      unanswered: interviews.filter((i) => i.status === 'unanswered').length,
      pending: interviews.filter((i) => i.status === 'requested').length,
      cancelled: interviews.filter((i) => i.status === 'cancelled').length,
      nudges: interviews.reduce((sum, i) => sum + i.nudgedAt.length, 0),
    },
    interviews: {
      held: heldCount,
      heldWithoutRequest: held.filter((i) => i.requestedAt === null).length,
      upcoming: interviews.filter(
        (i) => i.status === 'scheduled' && i.scheduledFor !== null && i.scheduledFor > asOf,
      ).length,
      noShows: interviews.filter((i) => i.noShowAt !== null).length,
      target,
      stretchTarget,
      remaining: Math.max(0, target - heldCount),
      atTarget: heldCount >= target,
      atStretch: heldCount >= stretchTarget,
    },
    thankYous,
    referrals,
    touchpoints: {
      total: touchpoints.length,
      byKind: countBy(
        touchpointKinds,
        touchpoints.map((t) => t.kind),
      ),
    },
    shadowingRequests: interviews.filter((i) => i.shadowingRequestedAt !== null).length,
    lastActivityAt: progress.lastActivityAt,
    adherence: {
      preparedBeforeInterview: rate(
        held.filter((i) => i.preparedAt !== null && i.preparedAt <= (i.heldAt ?? '')).length,
        heldCount,
      ),
      thankedWithinWindow: rate(thankYous.withinWindow, thankYous.sent + thankYous.missing),
      askedForReferrals: rate(
        held.filter(
          (i) => i.referrals.length > 0 || i.questionIdsAsked.some((q) => referralQuestions.has(q)),
        ).length,
        heldCount,
      ),
    },
  };
  return { ...summary, stage: stageOf(summary, interviews) };
}

function stageOf(
  summary: Omit<ProgressSummary, 'stage'>,
  interviews: readonly InterviewProgress[],
): ProgressStage {
  if (summary.interviews.atTarget) return 'at_target';
  if (interviews.some((i) => ['accepted', 'scheduled', 'no_show'].includes(i.status))) {
    return 'interviewing';
  }
  const unthanked = summary.thankYous.missing + summary.thankYous.pending;
  if (unthanked > 0 || summary.referrals.contacted < summary.referrals.received) {
    return 'following_up';
  }
  if (summary.requests.sent > 0 || summary.interviews.held > 0) return 'reaching_out';
  if (summary.contacts.total > 0) return 'brainstorming';
  return 'not_started';
}

// ---- Shared with the other read models ------------------------------------------------------

/** Interviews in id order, so that every list built from them is deterministic. */
export function interviewsOf(progress: StudentProgress): InterviewProgress[] {
  return Object.values(progress.interviews).sort((a, b) =>
    compareStrings(a.interviewId, b.interviewId),
  );
}

export function isHeld(interview: InterviewProgress): interview is InterviewProgress & {
  heldAt: string;
} {
  return interview.heldAt !== null;
}

/** End of the thank-you window, with the window in force when the interview was held. */
export function thankYouDueAt(
  interview: InterviewProgress & { heldAt: string },
  settingsAt: SettingsAt,
): string {
  return addDays(interview.heldAt, settingsAt(interview.heldAt).thankYouWindowDays);
}

/** Distinct referred contacts: received in an interview or added with a referrer. */
export function referredContactIds(progress: StudentProgress): string[] {
  const ids = new Set<string>();
  for (const interview of Object.values(progress.interviews)) {
    for (const referral of interview.referrals) ids.add(referral.contactId);
  }
  for (const contact of Object.values(progress.contacts)) {
    if (contact.referredByContactId !== null) ids.add(contact.contactId);
  }
  return [...ids].sort(compareStrings);
}

function rate(count: number, of: number): Rate {
  return { count, of, rate: ratio(count, of) };
}

function countBy<K extends string>(keys: readonly K[], values: readonly K[]): Record<K, number> {
  const counts = Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
