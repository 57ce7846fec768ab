import { type FollowUpItem } from '@rapport/domain';
import { advisorDigest, formatDate, studentDigest } from './digest-content';
import { ADVISOR_LINK_DAYS, verifyAdvisorDigestViewToken } from './advisor-links';
import {
  STUDENT_LINK_DAYS,
  verifyFollowUpActionToken,
  verifyWeekSignInToken,
} from './student-links';

const secret = 'spec-link-secret';
const issuedAt = new Date('2026-11-26T15:00:00.000Z');

const base = {
  studentName: 'Sam Lee',
  institutionName: 'Northfield University',
  zone: 'America/New_York',
  appUrl: 'https://rapport.example.edu/',
  studentId: 'stu-1',
  links: { tenantId: 'tenant-1', digestId: 'digest-1', secret, issuedAt },
  contactLabels: {
    'c-dana': 'Dana Fox (City Hospital)',
    'c-omar': 'Omar Diaz (Bay Labs)',
    'c-lin': 'Lin Wu (Harbor Law)',
  },
  interviewContacts: { 'i-1': 'c-dana', 'i-2': 'c-omar', 'i-3': 'c-lin' },
};

const item = (over: Partial<FollowUpItem> & Pick<FollowUpItem, 'kind'>): FollowUpItem => ({
  openedAt: '2026-11-20T15:00:00.000Z',
  dueAt: '2026-12-02T15:00:00.000Z',
  overdue: false,
  ...over,
});

/** The token of a link, checked to be on `path` of the app. */
function tokenOf(url: string, path: string): string {
  const parsed = new URL(url);
  expect(`${parsed.origin}${parsed.pathname}`).toBe(`https://rapport.example.edu${path}`);
  return parsed.searchParams.get('token')!;
}

/** What an action link's token says, verified with the secret. */
function actionOf(url: string) {
  const verified = verifyFollowUpActionToken(tokenOf(url, '/act'), secret, issuedAt);
  if (!verified.ok) throw new Error(`action link does not verify: ${verified.reason}`);
  return verified.payload;
}

describe('studentDigest', () => {
  it('is null when nothing is outstanding', () => {
    expect(studentDigest({ ...base, followUps: [] })).toBeNull();
    expect(studentDigest({ ...base, followUps: [], remainingToTarget: 0 })).toBeNull();
  });

  it('groups items in digest order with titles, local due dates and deep links', () => {
    const followUps: FollowUpItem[] = [
      item({ kind: 'reach_target', remaining: 2, dueAt: '2026-12-18T05:00:00.000Z' }),
      item({ kind: 'stay_in_touch', interviewId: 'i-3', contactId: 'c-lin' }),
      item({ kind: 'reach_out_to_referral', interviewId: 'i-1', contactId: 'c-new' }),
      item({ kind: 'prepare', interviewId: 'i-2', dueAt: '2026-12-04T14:00:00.000Z' }),
      item({ kind: 'nudge', interviewId: 'i-2', contactId: 'c-omar' }),
      // Only the interview id: the contact comes from interviewContacts.
      item({ kind: 'thank_you', interviewId: 'i-3', dueAt: '2026-12-05T15:00:00.000Z' }),
      item({
        kind: 'thank_you',
        interviewId: 'i-1',
        contactId: 'c-dana',
        dueAt: '2026-11-25T15:00:00.000Z',
        overdue: true,
      }),
    ];
    const digest = studentDigest({ ...base, followUps, interviewTarget: 3 })!;

    expect(digest.sections.map((s) => s.key)).toEqual([
      'overdue_thank_you',
      'thank_you',
      'nudge',
      'prepare',
      'reach_out_to_referral',
      'stay_in_touch',
    ]);
    const items = digest.sections.flatMap((s) => s.items);
    expect(items).toEqual([
      {
        title: 'Thank Dana Fox (City Hospital) for the interview',
        due: 'Wed, Nov 25',
        dueAt: '2026-11-25T15:00:00.000Z',
        overdue: true,
        actionLabel: 'I sent my thank-you to Dana Fox (City Hospital)',
        url: expect.stringMatching(/^https:\/\/rapport\.example\.edu\/act\?token=/),
      },
      expect.objectContaining({
        title: 'Thank Lin Wu (Harbor Law) for the interview',
        due: 'Sat, Dec 5',
        overdue: false,
        actionLabel: 'I sent my thank-you to Lin Wu (Harbor Law)',
      }),
      expect.objectContaining({
        title: 'Send Omar Diaz (Bay Labs) a polite follow-up',
        due: 'Wed, Dec 2',
        actionLabel: 'I sent a polite follow-up',
      }),
      expect.objectContaining({
        title: 'Prepare for your interview with Omar Diaz (Bay Labs)',
        due: 'Fri, Dec 4',
        actionLabel: "I'm prepared",
      }),
      expect.objectContaining({
        // A referred contact with no label yet still reads naturally.
        title: 'Reach out to your contact, who was referred to you',
        actionLabel: 'I asked them for an interview',
      }),
      expect.objectContaining({
        title: 'Stay in touch with Lin Wu (Harbor Law)',
        actionLabel: 'I stayed in touch',
      }),
    ]);
    // Each action link names the institution, the student, this digest and the item (ids only).
    const subject = { tenantId: 'tenant-1', studentId: 'stu-1', digestId: 'digest-1' };
    expect(items.map((i) => actionOf(i.url))).toEqual([
      { ...subject, kind: 'thank_you', interviewId: 'i-1', contactId: 'c-dana' },
      { ...subject, kind: 'thank_you', interviewId: 'i-3' },
      { ...subject, kind: 'nudge', interviewId: 'i-2', contactId: 'c-omar' },
      { ...subject, kind: 'prepare', interviewId: 'i-2' },
      { ...subject, kind: 'reach_out_to_referral', interviewId: 'i-1', contactId: 'c-new' },
      { ...subject, kind: 'stay_in_touch', interviewId: 'i-3', contactId: 'c-lin' },
    ]);
    expect(digest.target).toEqual({
      remaining: 2,
      of: 3,
      text: '2 more interviews to reach your target of 3',
      url: digest.url,
    });
    expect(digest).toMatchObject({ itemCount: 6, overdueCount: 1 });
    // The home, target and calendar links sign the student in to their week from this digest.
    const week = verifyWeekSignInToken(tokenOf(digest.url, '/me/sign-in'), secret, issuedAt);
    expect(week).toEqual({
      ok: true,
      payload: subject,
      expiresAt: new Date(issuedAt.getTime() + STUDENT_LINK_DAYS * 86_400_000),
    });
    expect(digest.calendarUrl).toBe(`${digest.url}&next=calendar`);
    // No links to pages that do not exist.
    expect(JSON.stringify(digest)).not.toMatch(/\/(interviews|contacts)\b/);
  });

  it('issues links that expire after the link lifetime and do not verify with another secret', () => {
    const digest = studentDigest({
      ...base,
      followUps: [item({ kind: 'nudge', interviewId: 'i-2' })],
    })!;
    const token = tokenOf(digest.sections[0].items[0].url, '/act');
    const later = new Date(issuedAt.getTime() + STUDENT_LINK_DAYS * 86_400_000 + 1);
    expect(verifyFollowUpActionToken(token, secret, later)).toEqual({
      ok: false,
      reason: 'expired',
      subject: { tenantId: 'tenant-1', studentId: 'stu-1', digestId: 'digest-1' },
    });
    expect(verifyFollowUpActionToken(token, 'another-link-secret', issuedAt)).toEqual({
      ok: false,
      reason: 'invalid',
    });
    // An action token is not a sign-in token, nor the reverse.
    expect(verifyWeekSignInToken(token, secret, issuedAt)).toEqual({
      ok: false,
      reason: 'invalid',
    });
    expect(verifyFollowUpActionToken(tokenOf(digest.url, '/me/sign-in'), secret, issuedAt)).toEqual(
      { ok: false, reason: 'invalid' },
    );
  });

  it('dates items in the recipient zone, not UTC', () => {
    const late = item({ kind: 'nudge', interviewId: 'i-2', dueAt: '2026-12-03T02:00:00.000Z' });
    const ny = studentDigest({ ...base, followUps: [late] })!;
    const tokyo = studentDigest({ ...base, zone: 'Asia/Tokyo', followUps: [late] })!;
    expect(ny.sections[0].items[0].due).toBe('Wed, Dec 2');
    expect(tokyo.sections[0].items[0].due).toBe('Thu, Dec 3');
  });

  it('sends a target-only digest; remainingToTarget overrides the item', () => {
    const digest = studentDigest({
      ...base,
      followUps: [item({ kind: 'reach_target', remaining: 3 })],
      remainingToTarget: 1,
    })!;
    expect(digest.sections).toEqual([]);
    expect(digest.target?.text).toBe('1 more interview to reach your target');
    expect(
      studentDigest({
        ...base,
        followUps: [item({ kind: 'reach_target', remaining: 3 })],
        remainingToTarget: 0,
      }),
    ).toBeNull();
  });

  it('keeps labels on one line and ids safe in links', () => {
    const digest = studentDigest({
      ...base,
      contactLabels: { 'c/x?y': 'Eve\r\nBcc: x@evil.test' },
      interviewContacts: {},
      followUps: [item({ kind: 'stay_in_touch', contactId: 'c/x?y' })],
    })!;
    expect(digest.sections[0].items[0].title).toBe('Stay in touch with Eve Bcc: x@evil.test');
    expect(actionOf(digest.sections[0].items[0].url).contactId).toBe('c/x?y');
    // No name or address travels in a link.
    expect(digest.sections[0].items[0].url).not.toMatch(/Eve|evil/);
  });

  it('ignores inherited keys when looking up labels', () => {
    const digest = studentDigest({
      ...base,
      followUps: [item({ kind: 'stay_in_touch', contactId: 'toString' })],
    })!;
    expect(digest.sections[0].items[0].title).toBe('Stay in touch with your contact');
  });

  it('rejects an invalid zone or a non-http app URL', () => {
    const followUps = [item({ kind: 'nudge', interviewId: 'i-2' })];
    expect(() => studentDigest({ ...base, zone: 'Mars/Base', followUps })).toThrow(/time zone/);
    expect(() => studentDigest({ ...base, appUrl: 'javascript:alert(1)', followUps })).toThrow(
      /APP_URL/,
    );
  });
});

describe('advisorDigest', () => {
  const input = {
    advisorName: 'Dr. Rivera',
    institutionName: 'Northfield University',
    zone: 'America/New_York',
    appUrl: 'https://rapport.example.edu',
    links: { tenantId: 'tenant-1', staffId: 'staff-1', digestId: 'digest-9', secret, issuedAt },
    cohorts: [
      {
        cohortId: 'co-quiet',
        name: 'Quiet cohort',
        students: [
          { studentId: 's-0', name: 'Nia', riskScore: 0, reasons: [], overdue: 0, atTarget: false },
        ],
      },
      {
        cohortId: 'co-1',
        name: 'Fall 2026 Pre-Health',
        students: [
          {
            studentId: 's-1',
            name: 'Ava',
            riskScore: 1,
            reasons: ['1 overdue follow-up'],
            overdue: 1,
            atTarget: true,
          },
          {
            studentId: 's-2',
            name: 'Ben',
            riskScore: 7,
            reasons: ['No interview held by mid-term', 'No activity in 14 days'],
            overdue: 0,
            atTarget: false,
          },
          { studentId: 's-3', name: 'Cy', riskScore: 0, reasons: [], overdue: 0, atTarget: true },
          {
            studentId: 's-4',
            name: 'Abe',
            riskScore: 3,
            reasons: ['3 overdue follow-ups'],
            overdue: 3,
            atTarget: false,
          },
        ],
      },
    ],
  };

  it('reports per cohort: at risk highest first, overdue total, who hit the target', () => {
    const digest = advisorDigest(input)!;
    expect(digest.cohorts.map((c) => c.cohortId)).toEqual(['co-1']);
    const [cohort] = digest.cohorts;
    expect(cohort.atRisk.map((s) => [s.name, s.riskScore])).toEqual([
      ['Ben', 7],
      ['Abe', 3],
      ['Ava', 1],
    ]);
    expect(cohort.atRisk[0]).toMatchObject({
      reasons: ['No interview held by mid-term', 'No activity in 14 days'],
    });
    const url = (link: string) => new URL(link);
    expect(url(cohort.atRisk[0].url).pathname).toBe('/advisor/students/s-2');
    expect(cohort.overdueTotal).toBe(4);
    expect(cohort.atTarget.map((s) => s.name)).toEqual(['Ava', 'Cy']);
    expect(cohort.studentCount).toBe(4);
    expect(url(cohort.url).pathname).toBe('/advisor/cohorts/co-1');
    expect(url(digest.url).pathname).toBe('/advisor');
    // Every link carries the same view token, bound to the recipient and this digest, and
    // nothing else: no name, no address.
    const links = [digest.url, cohort.url, ...cohort.atRisk.map((s) => s.url)];
    for (const link of [...links, ...cohort.atTarget.map((s) => s.url)]) {
      expect(url(link).origin).toBe('https://rapport.example.edu');
      expect([...url(link).searchParams.keys()]).toEqual(['token']);
      expect(url(link).searchParams.get('token')).toBe(url(digest.url).searchParams.get('token'));
    }
    expect(
      verifyAdvisorDigestViewToken(url(digest.url).searchParams.get('token'), secret, issuedAt),
    ).toEqual({
      ok: true,
      payload: { tenantId: 'tenant-1', staffId: 'staff-1', digestId: 'digest-9' },
      expiresAt: new Date(issuedAt.getTime() + ADVISOR_LINK_DAYS * 86_400_000),
    });
    expect(digest).toMatchObject({ advisorName: 'Dr. Rivera', atRiskCount: 3, overdueTotal: 4 });
  });

  it('is null when no cohort has anything to say', () => {
    expect(advisorDigest({ ...input, cohorts: [input.cohorts[0]] })).toBeNull();
    expect(advisorDigest({ ...input, cohorts: [] })).toBeNull();
  });
});

describe('formatDate', () => {
  it('formats in the zone and rejects garbage', () => {
    expect(formatDate('2026-12-02T15:00:00.000Z', 'Europe/Berlin')).toBe('Wed, Dec 2');
    expect(() => formatDate('not a date', 'UTC')).toThrow(/Invalid instant/);
  });
});
