import { type DomainEvent } from '../domain';
import { MAX_NUDGES } from '../interview/interview.state';
import { addDays } from '../shared/dates';
import { compareStrings, endOfDate, instant, maxInstant } from './instants';
import { interviewsOf, isHeld, thankYouDueAt } from './progress-summary';
import { type SettingsAt } from './settings-timeline';
import { type StudentProgress } from './student-progress';

/** In digest order: what the student should do first comes first. */
export const followUpItemKinds = [
  'thank_you',
  'nudge',
  'prepare',
  'reach_out_to_referral',
  'stay_in_touch',
  'reach_target',
] as const;
export type FollowUpItemKind = (typeof followUpItemKinds)[number];

/** The kinds one step of the student closes; `reach_target` is the term's goal, not a step. */
export const followUpStepKinds = followUpItemKinds.filter(
  (k): k is Exclude<FollowUpItemKind, 'reach_target'> => k !== 'reach_target',
);
export type FollowUpStepKind = (typeof followUpStepKinds)[number];

/**
 * One outstanding obligation. Optional fields are omitted (never undefined) so the item stays
 * plain JSON. `openedAt` is when it arose; its settings decide `dueAt`.
 */
export interface FollowUpItem {
  kind: FollowUpItemKind;
  openedAt: string;
  dueAt: string;
  /** Strictly past due at `asOf`. */
  overdue: boolean;
  interviewId?: string;
  /** The professional concerned; for `reach_out_to_referral` the referred contact. */
  contactId?: string;
  /** For `reach_target`: interviews still to hold. */
  remaining?: number;
}

export interface FollowUpOptions {
  /** Last day of the cohort's term (`YYYY-MM-DD`): `reach_target` is due at its end. */
  termEndDate?: string;
}

/**
 * The student's open obligations at `asOf` (only items opened at or before it):
 * - thank_you: opens when the interview was held, due `thankYouWindowDays` later; closes with
 *   the thank-you.
 * - nudge: opens with the request (or latest nudge) while no reply came and fewer than
 *   MAX_NUDGES were sent, due `nudgeAfterDays` later; closes with any reply, close or nudge.
 * - prepare: a scheduled, unprepared interview opens `prepareBeforeDays` (as set when it was
 *   scheduled) before its time and is due at that time; closes with preparation or any change
 *   of status. (Unlike `policies/follow-up.policy`, the item only shows inside that window.)
 * - reach_out_to_referral: opens when the referral was received, due `referralFollowUpDays`
 *   later; closes once an interview with that contact is requested or held, or it is archived.
 * - stay_in_touch: opens at the latest thank-you or touchpoint of a held interview, due
 *   `stayInTouchDays` later; every touchpoint re-opens it. None for archived contacts.
 * - reach_target: while `target - held > 0`; due at the end of the term (or `asOf` when the
 *   term is not given).
 * Withdrawn students owe nothing. Sorted by kind in the order above, overdue first within a
 * kind, then by due date and ids.
 */
export function followUpsOf(
  progress: StudentProgress,
  settingsAt: SettingsAt,
  asOf: string,
  target: number,
  options: FollowUpOptions = {},
): FollowUpItem[] {
  if (!progress.enrolled) return [];
  const now = instant(asOf);
  const items: FollowUpItem[] = [];
  const add = (item: Omit<FollowUpItem, 'overdue'>) => {
    if (item.openedAt <= now) items.push({ ...item, overdue: now > item.dueAt });
  };
  const interviews = interviewsOf(progress);
  const contact = (id: string) =>
    Object.hasOwn(progress.contacts, id) ? progress.contacts[id] : null;

  for (const i of interviews) {
    const ref = { interviewId: i.interviewId, contactId: i.contactId };

    if (isHeld(i) && i.thankYouSentAt === null) {
      add({ kind: 'thank_you', openedAt: i.heldAt, dueAt: thankYouDueAt(i, settingsAt), ...ref });
    }

    const lastAsked = maxInstant(i.requestedAt, i.nudgedAt.at(-1) ?? null);
    if (i.status === 'requested' && lastAsked !== null && i.nudgedAt.length < MAX_NUDGES) {
      const days = settingsAt(lastAsked).nudgeAfterDays;
      add({ kind: 'nudge', openedAt: lastAsked, dueAt: addDays(lastAsked, days), ...ref });
    }

    if (
      i.status === 'scheduled' &&
      i.preparedAt === null &&
      i.scheduledFor !== null &&
      i.scheduleChangedAt !== null
    ) {
      const days = settingsAt(i.scheduleChangedAt).prepareBeforeDays;
      add({
        kind: 'prepare',
        openedAt: addDays(i.scheduledFor, -days),
        dueAt: i.scheduledFor,
        ...ref,
      });
    }

    const lastTouch = maxInstant(i.thankYouSentAt, i.touchpoints.at(-1)?.at ?? null);
    if (isHeld(i) && lastTouch !== null && contact(i.contactId)?.archived !== true) {
      const days = settingsAt(lastTouch).stayInTouchDays;
      add({ kind: 'stay_in_touch', openedAt: lastTouch, dueAt: addDays(lastTouch, days), ...ref });
    }
  }

  const reached = new Set(
    interviews.filter((i) => i.requestedAt !== null || i.heldAt !== null).map((i) => i.contactId),
  );
  const seen = new Set<string>();
  const referrals = interviews
    .flatMap((i) => i.referrals.map((r) => ({ ...r, interviewId: i.interviewId })))
    .sort(
      (a, b) =>
        compareStrings(a.receivedAt, b.receivedAt) || compareStrings(a.interviewId, b.interviewId),
    );
  for (const referral of referrals) {
    // A contact referred twice is one obligation, from the first referral.
    if (seen.has(referral.contactId)) continue;
    seen.add(referral.contactId);
    if (reached.has(referral.contactId) || contact(referral.contactId)?.archived === true) continue;
    const days = settingsAt(referral.receivedAt).referralFollowUpDays;
    add({
      kind: 'reach_out_to_referral',
      openedAt: referral.receivedAt,
      dueAt: addDays(referral.receivedAt, days),
      interviewId: referral.interviewId,
      contactId: referral.contactId,
    });
  }

  const remaining = target - interviews.filter(isHeld).length;
  if (remaining > 0) {
    const since = progress.enrolledAt ?? progress.registeredAt ?? now;
    add({
      kind: 'reach_target',
      openedAt: since <= now ? since : now,
      dueAt: options.termEndDate ? endOfDate(options.termEndDate) : now,
      remaining,
    });
  }

  return items.sort(compareFollowUps);
}

/** Digest order: kind, then overdue first, then due date, then ids (for a stable order). */
export function compareFollowUps(a: FollowUpItem, b: FollowUpItem): number {
  return (
    followUpItemKinds.indexOf(a.kind) - followUpItemKinds.indexOf(b.kind) ||
    Number(b.overdue) - Number(a.overdue) ||
    compareStrings(a.dueAt, b.dueAt) ||
    compareStrings(a.interviewId ?? '', b.interviewId ?? '') ||
    compareStrings(a.contactId ?? '', b.contactId ?? '')
  );
}

/**
 * Whether `event` is the student's step that closes `item`: the closing rules `followUpsOf`
 * describes, stated per event so that a digest item can be followed after the digest went.
 * - thank_you: the thank-you on that interview.
 * - nudge: a reply, close, nudge, schedule, holding or cancellation of that interview.
 * - prepare: the preparation of that interview or any change of its status (held, cancelled,
 *   no-show); a reschedule moves the item, it does not close it.
 * - reach_out_to_referral: an interview requested or held with that contact, or the contact
 *   archived.
 * - stay_in_touch: a touchpoint on that interview, or its contact archived (no longer owed).
 * - reach_target: never one event (a term's goal, not a step).
 * The nudge-effect spec checks these against `followUpsOf` on the same histories.
 */
export function closesFollowUp(
  item: Pick<FollowUpItem, 'kind' | 'interviewId' | 'contactId'>,
  event: DomainEvent,
): boolean {
  const onInterview = (types: readonly DomainEvent['type'][]) =>
    types.includes(event.type) &&
    item.interviewId !== undefined &&
    (event.data as { interviewId?: string }).interviewId === item.interviewId;
  switch (item.kind) {
    case 'thank_you':
      return onInterview(['ThankYouSent']);
    case 'nudge':
      return onInterview([
        'InterviewRequestNudged',
        'InterviewRequestAccepted',
        'InterviewRequestDeclined',
        'InterviewRequestClosedUnanswered',
        'InterviewScheduled',
        'InterviewHeld',
        'InterviewCancelled',
      ]);
    case 'prepare':
      return onInterview([
        'InterviewPrepared',
        'InterviewHeld',
        'InterviewCancelled',
        'InterviewNoShowRecorded',
      ]);
    case 'reach_out_to_referral':
      return (
        item.contactId !== undefined &&
        (event.type === 'InterviewRequested' ||
          event.type === 'InterviewHeld' ||
          event.type === 'ContactArchived') &&
        event.data.contactId === item.contactId
      );
    case 'stay_in_touch':
      return (
        onInterview(['TouchpointRecorded']) ||
        (event.type === 'ContactArchived' && event.data.contactId === item.contactId)
      );
    case 'reach_target':
      return false;
    default: {
      const _exhaustive: never = item.kind;
      return _exhaustive;
    }
  }
}
