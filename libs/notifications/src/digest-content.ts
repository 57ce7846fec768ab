import { type FollowUpItem, compareFollowUps } from '@rapport/domain';
import { DateTime, IANAZone } from 'luxon';
import { followUpStepCopy } from './follow-up-steps';
import {
  followUpActionUrl,
  signFollowUpActionToken,
  signWeekSignInToken,
  weekSignInUrl,
} from './student-links';
import {
  advisorCohortUrl,
  advisorHomeUrl,
  advisorStudentUrl,
  signAdvisorDigestViewToken,
} from './advisor-links';

/** Sections of a student digest, in the order they are shown. */
export const studentDigestSectionKeys = [
  'overdue_thank_you',
  'thank_you',
  'nudge',
  'prepare',
  'reach_out_to_referral',
  'stay_in_touch',
] as const;
export type StudentDigestSectionKey = (typeof studentDigestSectionKeys)[number];

const SECTION_HEADINGS: Record<StudentDigestSectionKey, string> = {
  overdue_thank_you: 'Overdue thank-yous',
  thank_you: 'Thank-yous',
  nudge: 'Follow up on requests',
  prepare: 'Prepare for upcoming interviews',
  reach_out_to_referral: 'Referrals to reach',
  stay_in_touch: 'Stay in touch',
};

export interface DigestItem {
  title: string;
  /** The due date in the recipient's zone, e.g. `Wed, Dec 2`. */
  due: string;
  /** The instant it is due (ISO-8601 UTC), for ordering and machine use. */
  dueAt: string;
  overdue: boolean;
  /** The step the action link records, in the student's words, e.g. `I sent my thank-you to Dana Lee`. */
  actionLabel: string;
  /** The action link: a confirmation page whose button records the step. */
  url: string;
}

export interface StudentDigestSection {
  key: StudentDigestSectionKey;
  heading: string;
  items: DigestItem[];
}

export interface StudentDigest {
  kind: 'student';
  studentId: string;
  studentName: string;
  institutionName: string;
  zone: string;
  /** The sign-in link to the student's week. */
  url: string;
  /** The same sign-in link, landing on the calendar part of the week. */
  calendarUrl: string;
  /** Only the sections that have items, in `studentDigestSectionKeys` order. */
  sections: StudentDigestSection[];
  /** Interviews still to hold, when the target is not met yet. */
  target: { remaining: number; of?: number; text: string; url: string } | null;
  itemCount: number;
  overdueCount: number;
}

export interface StudentDigestInput {
  studentName: string;
  institutionName: string;
  /** The student's IANA time zone (usually the institution's). */
  zone: string;
  appUrl: string;
  studentId: string;
  /** As `followUpsOf` returns them; `reach_target` items feed the target line. */
  followUps: readonly FollowUpItem[];
  /** Display label per contact id, e.g. `Dana Fox (City Hospital)`. */
  contactLabels: Readonly<Record<string, string>>;
  /** Contact per interview id, for items that only carry the interview. */
  interviewContacts: Readonly<Record<string, string>>;
  /** Overrides the `reach_target` item's `remaining`. */
  remainingToTarget?: number;
  /** The interview target, for "… your target of 3". */
  interviewTarget?: number;
  /** Signs the digest's links (ids only). */
  links: StudentDigestLinks;
}

export interface StudentDigestLinks {
  tenantId: string;
  /** The digest's message id: every link is bound to it, so acting from this mail is known. */
  digestId: string;
  /** The link-signing secret. */
  secret: string | Buffer;
  /** When the links are issued; they expire `STUDENT_LINK_DAYS` later. */
  issuedAt: Date;
}

/** What a student owes this week, or null when nothing is outstanding (no email then). */
export function studentDigest(input: StudentDigestInput): StudentDigest | null {
  const zone = validZone(input.zone);
  const base = baseUrl(input.appUrl);
  const { tenantId, digestId, secret, issuedAt } = input.links;
  const subject = { tenantId, studentId: input.studentId, digestId };
  const weekToken = signWeekSignInToken(subject, secret, issuedAt);
  const weekUrl = weekSignInUrl(base, weekToken);
  const actionUrl = (item: FollowUpItem) =>
    followUpActionUrl(
      base,
      signFollowUpActionToken(
        {
          ...subject,
          kind: item.kind,
          ...(item.interviewId !== undefined ? { interviewId: item.interviewId } : {}),
          ...(item.contactId !== undefined ? { contactId: item.contactId } : {}),
        },
        secret,
        issuedAt,
      ),
    );
  const label = (item: FollowUpItem) => {
    const contactId =
      item.contactId ??
      (item.interviewId ? lookup(input.interviewContacts, item.interviewId) : null);
    const text = contactId ? lookup(input.contactLabels, contactId) : null;
    return text ? oneLine(text) : 'your contact';
  };

  const buckets = new Map<StudentDigestSectionKey, DigestItem[]>();
  let remaining: number | undefined;
  for (const item of [...input.followUps].sort(compareFollowUps)) {
    if (item.kind === 'reach_target') {
      remaining ??= item.remaining;
      continue;
    }
    const key: StudentDigestSectionKey =
      item.kind === 'thank_you' && item.overdue ? 'overdue_thank_you' : item.kind;
    const copy = followUpStepCopy(item.kind, label(item));
    const bucket = buckets.get(key) ?? [];
    buckets.set(key, bucket);
    bucket.push({
      title: copy.title,
      due: formatDate(item.dueAt, zone),
      dueAt: item.dueAt,
      overdue: item.overdue,
      actionLabel: copy.link,
      url: actionUrl(item),
    });
  }

  remaining = input.remainingToTarget ?? remaining;
  const target =
    remaining !== undefined && Number.isFinite(remaining) && remaining > 0
      ? {
          remaining,
          ...(input.interviewTarget !== undefined ? { of: input.interviewTarget } : {}),
          text: targetText(remaining, input.interviewTarget),
          url: weekUrl,
        }
      : null;

  const sections = studentDigestSectionKeys.flatMap((key) => {
    const items = buckets.get(key);
    return items?.length ? [{ key, heading: SECTION_HEADINGS[key], items }] : [];
  });
  if (sections.length === 0 && target === null) return null;
  const all = sections.flatMap((s) => s.items);
  return {
    kind: 'student',
    studentId: input.studentId,
    studentName: oneLine(input.studentName),
    institutionName: oneLine(input.institutionName),
    zone,
    url: weekUrl,
    calendarUrl: weekSignInUrl(base, weekToken, 'calendar'),
    sections,
    target,
    itemCount: all.length,
    overdueCount: all.filter((i) => i.overdue).length,
  };
}

function targetText(remaining: number, of: number | undefined): string {
  const interviews = remaining === 1 ? '1 more interview' : `${remaining} more interviews`;
  return of === undefined
    ? `${interviews} to reach your target`
    : `${interviews} to reach your target of ${of}`;
}

export interface AdvisorDigestStudentInput {
  studentId: string;
  name: string;
  riskScore: number;
  /** From `riskOf`: readable and free of personal data. */
  reasons: readonly string[];
  /** Overdue follow-ups. */
  overdue: number;
  atTarget: boolean;
}

export interface AdvisorDigestInput {
  advisorName?: string;
  institutionName: string;
  zone: string;
  appUrl: string;
  cohorts: readonly {
    cohortId: string;
    name: string;
    students: readonly AdvisorDigestStudentInput[];
  }[];
  /** Signs the digest's links (ids only): one read-only view token for every link. */
  links: AdvisorDigestLinks;
}

export interface AdvisorDigestLinks {
  tenantId: string;
  /** The recipient: the pages are what this staff member may see when the link is followed. */
  staffId: string;
  /** The digest's message id. */
  digestId: string;
  secret: string | Buffer;
  /** When the links are issued; they expire `ADVISOR_LINK_DAYS` later. */
  issuedAt: Date;
}

export interface AdvisorDigestStudent {
  studentId: string;
  name: string;
  url: string;
}

export interface AdvisorDigestCohort {
  cohortId: string;
  name: string;
  url: string;
  studentCount: number;
  /** Score > 0, highest first. */
  atRisk: (AdvisorDigestStudent & { riskScore: number; reasons: string[]; overdue: number })[];
  overdueTotal: number;
  /** Alphabetical. */
  atTarget: AdvisorDigestStudent[];
}

export interface AdvisorDigest {
  kind: 'advisor';
  advisorName?: string;
  institutionName: string;
  zone: string;
  url: string;
  /** Only cohorts with something to report, in input order. */
  cohorts: AdvisorDigestCohort[];
  atRiskCount: number;
  overdueTotal: number;
}

/**
 * An advisor's week: per cohort, who is at risk, how much is overdue and who reached the
 * target. Cohorts with nothing to report are left out; null when no cohort has anything.
 */
export function advisorDigest(input: AdvisorDigestInput): AdvisorDigest | null {
  const zone = validZone(input.zone);
  const base = baseUrl(input.appUrl);
  const { tenantId, staffId, digestId, secret, issuedAt } = input.links;
  const token = signAdvisorDigestViewToken({ tenantId, staffId, digestId }, secret, issuedAt);
  const student = (s: AdvisorDigestStudentInput): AdvisorDigestStudent => ({
    studentId: s.studentId,
    name: oneLine(s.name),
    url: advisorStudentUrl(base, s.studentId, token),
  });
  const byName = (a: AdvisorDigestStudent, b: AdvisorDigestStudent) =>
    compare(a.name, b.name) || compare(a.studentId, b.studentId);

  const cohorts = input.cohorts.flatMap((cohort): AdvisorDigestCohort[] => {
    const atRisk = cohort.students
      .filter((s) => s.riskScore > 0)
      .map((s) => ({
        ...student(s),
        riskScore: s.riskScore,
        reasons: s.reasons.map(oneLine),
        overdue: s.overdue,
      }))
      .sort(
        (a, b) => b.riskScore - a.riskScore || b.reasons.length - a.reasons.length || byName(a, b),
      );
    const overdueTotal = cohort.students.reduce((sum, s) => sum + Math.max(0, s.overdue), 0);
    const atTarget = cohort.students
      .filter((s) => s.atTarget)
      .map(student)
      .sort(byName);
    if (atRisk.length === 0 && overdueTotal === 0 && atTarget.length === 0) return [];
    return [
      {
        cohortId: cohort.cohortId,
        name: oneLine(cohort.name),
        url: advisorCohortUrl(base, cohort.cohortId, token),
        studentCount: cohort.students.length,
        atRisk,
        overdueTotal,
        atTarget,
      },
    ];
  });
  if (cohorts.length === 0) return null;
  return {
    kind: 'advisor',
    ...(input.advisorName !== undefined ? { advisorName: oneLine(input.advisorName) } : {}),
    institutionName: oneLine(input.institutionName),
    zone,
    url: advisorHomeUrl(base, token),
    cohorts,
    atRiskCount: cohorts.reduce((n, c) => n + c.atRisk.length, 0),
    overdueTotal: cohorts.reduce((n, c) => n + c.overdueTotal, 0),
  };
}

/** `Wed, Dec 2` in `zone`; English, matching the rest of the copy. */
export function formatDate(instant: string, zone: string): string {
  const date = DateTime.fromISO(instant, { zone, locale: 'en-US' });
  if (!date.isValid) throw new RangeError(`Invalid instant: ${JSON.stringify(instant)}`);
  return date.toFormat('ccc, LLL d');
}

function validZone(zone: string): string {
  if (!IANAZone.isValidZone(zone)) {
    throw new RangeError(`Invalid IANA time zone: ${JSON.stringify(zone)}`);
  }
  return zone;
}

/** The app's origin (and path), checked once so every deep link is an http(s) URL. */
function baseUrl(appUrl: string): string {
  let url: URL;
  try {
    url = new URL(appUrl);
  } catch {
    throw new RangeError(`Invalid APP_URL: ${JSON.stringify(appUrl)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new RangeError(`APP_URL must be http(s): ${JSON.stringify(appUrl)}`);
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/** Names come from users: one line, no control characters, so they cannot forge text lines. */
function oneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
}

function lookup(record: Readonly<Record<string, string>>, key: string): string | null {
  return Object.hasOwn(record, key) ? record[key] : null;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
