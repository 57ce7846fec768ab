import { type InstitutionSettings } from '../institution/institution.settings';
import { MAX_NUDGES, type InterviewState } from '../interview/interview.state';
import { addDays, compareInstants, isAfter, latestInstant } from '../shared/dates';

/** What a student owes on one interview, as the weekly digest and dashboards list it. */
export type FollowUpKind =
  'nudge' | 'prepare' | 'thank_you' | 'stay_in_touch' | 'referral_follow_up';

export interface FollowUp {
  kind: FollowUpKind;
  interviewId: string;
  studentId: string;
  contactId: string;
  /** For `referral_follow_up`: the referred person's new contact id. */
  referralContactId?: string;
  dueAt: string;
  /** Strictly past due at `now`. */
  overdue: boolean;
}

export type FollowUpSettings = Pick<
  InstitutionSettings,
  | 'thankYouWindowDays'
  | 'nudgeAfterDays'
  | 'prepareBeforeDays'
  | 'stayInTouchDays'
  | 'referralFollowUpDays'
>;

/**
 * The obligations an interview currently creates, earliest first:
 * - nudge: a request without reply, `nudgeAfterDays` after the request (or the last nudge),
 *   until the nudges run out;
 * - prepare: a scheduled interview not yet prepared, `prepareBeforeDays` before it;
 * - thank_you: `thankYouWindowDays` after it was held, until a thank-you is recorded;
 * - stay_in_touch: `stayInTouchDays` after the last thank-you or touchpoint;
 * - referral_follow_up: `referralFollowUpDays` after a referral, while the referred contact has
 *   no request yet (`contactsWithRequest` comes from the read model of interviews).
 */
export function dueFollowUps(
  interview: InterviewState,
  settings: FollowUpSettings,
  now: string,
  contactsWithRequest: ReadonlySet<string> = new Set(),
): FollowUp[] {
  if (interview.status === 'none') return [];
  const { interviewId, studentId, contactId } = interview;
  const followUps: FollowUp[] = [];
  const due = (kind: FollowUpKind, dueAt: string, referralContactId?: string) =>
    followUps.push({
      kind,
      interviewId,
      studentId,
      contactId,
      ...(referralContactId === undefined ? {} : { referralContactId }),
      dueAt,
      overdue: isAfter(now, dueAt),
    });

  const lastAsked = latestInstant(interview.requestedAt, interview.lastNudgedAt);
  if (interview.status === 'requested' && lastAsked && interview.nudgeCount < MAX_NUDGES) {
    due('nudge', addDays(lastAsked, settings.nudgeAfterDays));
  }

  if (interview.status === 'scheduled' && interview.scheduledFor && !interview.preparedAt) {
    due('prepare', addDays(interview.scheduledFor, -settings.prepareBeforeDays));
  }

  if (interview.status === 'held' && interview.heldAt) {
    if (!interview.thankYouSentAt) {
      due('thank_you', addDays(interview.heldAt, settings.thankYouWindowDays));
    }
    const lastContact = latestInstant(
      interview.thankYouSentAt,
      ...interview.touchpoints.map(({ occurredAt }) => occurredAt),
    );
    if (lastContact) due('stay_in_touch', addDays(lastContact, settings.stayInTouchDays));
    for (const referral of interview.referrals) {
      if (!contactsWithRequest.has(referral.contactId)) {
        due(
          'referral_follow_up',
          addDays(referral.receivedAt, settings.referralFollowUpDays),
          referral.contactId,
        );
      }
    }
  }

  return followUps.sort((a, b) => compareInstants(a.dueAt, b.dueAt));
}
