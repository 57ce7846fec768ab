import { type FollowUpItem } from '@rapport/domain';
import { advisorDigest, studentDigest } from './digest-content';
import { renderAdvisorDigest, renderStudentDigest } from './digest-render';
import { escapeHtml, href, html } from './html';

const unsubscribeUrl = 'https://rapport.example.edu/unsubscribe?token=abc.def&x=1';
const item = (over: Partial<FollowUpItem> & Pick<FollowUpItem, 'kind'>): FollowUpItem => ({
  openedAt: '2026-11-20T15:00:00.000Z',
  dueAt: '2026-12-02T15:00:00.000Z',
  overdue: false,
  ...over,
});

const evil = `<script>alert("x")</script> O'Brien & "Co"`;

const student = studentDigest({
  studentName: evil,
  institutionName: `Northfield <b>University</b>`,
  zone: 'America/New_York',
  appUrl: 'https://rapport.example.edu',
  studentId: 'stu-1',
  links: {
    tenantId: 'tenant-1',
    digestId: 'digest-1',
    secret: 'spec-link-secret',
    issuedAt: new Date('2026-11-26T15:00:00.000Z'),
  },
  contactLabels: {
    'c-1': `Dana "Dee" <img src=x onerror=alert(1)> Fox`,
    'c-2': 'Omar Diaz (Bay Labs)',
  },
  interviewContacts: { 'i-1': 'c-1', 'i-2': 'c-2' },
  followUps: [
    item({
      kind: 'thank_you',
      interviewId: 'i-1',
      contactId: 'c-1',
      overdue: true,
      dueAt: '2026-11-25T15:00:00.000Z',
    }),
    item({ kind: 'thank_you', interviewId: 'i-2', contactId: 'c-2' }),
    item({ kind: 'nudge', interviewId: 'i-2', contactId: 'c-2' }),
    item({
      kind: 'prepare',
      interviewId: 'i-2',
      contactId: 'c-2',
      dueAt: '2026-12-04T14:00:00.000Z',
    }),
    item({ kind: 'reach_out_to_referral', interviewId: 'i-1', contactId: 'c-2' }),
    item({ kind: 'stay_in_touch', interviewId: 'i-1', contactId: 'c-1' }),
    item({ kind: 'reach_target', remaining: 2 }),
  ],
  interviewTarget: 3,
})!;

/** Positions of each needle in order; fails when one is missing or out of order. */
function expectInOrder(haystack: string, needles: string[]): void {
  let from = 0;
  for (const needle of needles) {
    const at = haystack.indexOf(needle, from);
    expect({ needle, found: at >= 0 }).toEqual({ needle, found: true });
    from = at + needle.length;
  }
}

describe('renderStudentDigest', () => {
  const message = renderStudentDigest(student, { unsubscribeUrl });

  it('escapes names with markup and quotes in every HTML context', () => {
    expect(message.html).not.toMatch(/<script|<img|<b>/i);
    expect(message.html).toContain(
      'Hi &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; O&#39;Brien &amp; &quot;Co&quot;,',
    );
    expect(message.html).toContain(
      'Thank Dana &quot;Dee&quot; &lt;img src=x onerror=alert(1)&gt; Fox for the interview',
    );
    expect(message.html).toContain('Northfield &lt;b&gt;University&lt;/b&gt;');
    // The subject lands in <title> and aria-label: escaped there too.
    expect(message.html).toContain(
      'aria-label="Northfield &lt;b&gt;University&lt;/b&gt;: your week',
    );
    // Plain text is not HTML: names stay as written.
    expect(message.text).toContain(`Hi ${evil},`);
  });

  it('lists every item in order in both parts', () => {
    const titles = student.sections.flatMap((s) => s.items.map((i) => i.title));
    expect(titles).toHaveLength(6);
    expectInOrder(message.html, [
      'Overdue thank-yous',
      escapeHtml(titles[0]),
      'Overdue</strong>',
      'Thank-yous',
      ...titles.slice(1).map(escapeHtml),
      '2 more interviews to reach your target of 3',
    ]);
    const first = student.sections[0].items[0];
    expectInOrder(message.text, [
      'OVERDUE THANK-YOUS',
      titles[0],
      'Due Wed, Nov 25 (OVERDUE)',
      `I sent my thank-you to Dana "Dee" <img src=x onerror=alert(1)> Fox: ${first.url}`,
      'THANK-YOUS',
      ...titles.slice(1),
      '2 more interviews to reach your target of 3',
    ]);
    for (const item of student.sections.flatMap((s) => s.items)) {
      expect(message.text).toContain(`${item.actionLabel}: ${item.url}`);
      // Each action link is named by its step, so a screen reader's link list makes sense.
      expect(message.html).toContain(
        `href="${escapeHtml(item.url)}" style="color:#1d4ed8;text-decoration:underline;">${escapeHtml(item.actionLabel)}</a>`,
      );
    }
  });

  it('links the week and the calendar through sign-in links, and nothing else of the app', () => {
    expect(message.html).toContain(
      `href="${escapeHtml(student.url)}" style="color:#1d4ed8;text-decoration:underline;">See your week in Rapport</a>`,
    );
    expect(message.html).toContain(`href="${escapeHtml(student.calendarUrl)}"`);
    expect(message.html).toContain('Add your interviews to your calendar');
    expect(message.text).toContain(`See your week in Rapport: ${student.url}`);
    expect(message.text).toContain(`Add your interviews to your calendar: ${student.calendarUrl}`);
    const hrefs = [...message.html.matchAll(/href="([^"]+)"/g)].map(
      (m) => new URL(m[1].replaceAll('&amp;', '&')).pathname,
    );
    expect(new Set(hrefs)).toEqual(new Set(['/act', '/me/sign-in', '/unsubscribe']));
  });

  it('has a subject, semantic structure and the unsubscribe link in the footer', () => {
    expect(message.subject).toBe(
      'Northfield <b>University</b>: your week – 6 follow-ups, 1 overdue',
    );
    expect(message.html).toMatch(/^<!DOCTYPE html>\n<html lang="en">/);
    expect(message.html.match(/<h1\b/g)).toHaveLength(1);
    expect(message.html.match(/<h2\b/g)).toHaveLength(7);
    expect(message.html).not.toMatch(/<style|class=/);
    const footer = message.html.slice(message.html.indexOf('<footer'));
    expect(footer).toContain(`href="${escapeHtml(unsubscribeUrl)}"`);
    expect(message.text.trimEnd().split('\n').at(-1)).toBe(`Unsubscribe: ${unsubscribeUrl}`);
  });

  it('keeps a hostile name out of the subject line structure', () => {
    const digest = { ...student, institutionName: 'Evil\r\nBcc: x@evil.test' };
    expect(renderStudentDigest(digest, { unsubscribeUrl }).subject).not.toMatch(/[\r\n]/);
  });

  it('refuses a non-http unsubscribe link', () => {
    expect(() => renderStudentDigest(student, { unsubscribeUrl: 'javascript:alert(1)' })).toThrow(
      /http/,
    );
  });
});

describe('renderAdvisorDigest', () => {
  const digest = advisorDigest({
    advisorName: `Dr. "Riv" <Rivera>`,
    institutionName: 'Northfield University',
    zone: 'America/New_York',
    appUrl: 'https://rapport.example.edu',
    links: {
      tenantId: 't-1',
      staffId: 'staff-1',
      digestId: 'd-1',
      secret: 'spec-link-secret',
      issuedAt: new Date('2026-11-26T15:00:00.000Z'),
    },
    cohorts: [
      {
        cohortId: 'co-1',
        name: 'Fall <2026>',
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
            name: `Ben <script>`,
            riskScore: 7,
            reasons: ['No interview held by mid-term', 'No activity in 14 days'],
            overdue: 0,
            atTarget: false,
          },
        ],
      },
      {
        cohortId: 'co-2',
        name: 'Spring',
        students: [
          { studentId: 's-3', name: 'Cy', riskScore: 0, reasons: [], overdue: 0, atTarget: true },
        ],
      },
    ],
  })!;
  const message = renderAdvisorDigest(digest, { unsubscribeUrl });

  it('reports each cohort in order in both parts, escaped in HTML', () => {
    expect(message.subject).toBe(
      'Northfield University: your cohorts this week – 2 students at risk, 1 overdue follow-up, 2 reached their target',
    );
    expect(message.html).not.toMatch(/<script|<Rivera>|<2026>/);
    expect(message.html).toContain('Hi Dr. &quot;Riv&quot; &lt;Rivera&gt;,');
    const order = [
      'Fall',
      'Students at risk',
      'Ben',
      'No interview held by mid-term; No activity in 14 days',
      'Ava',
      'Reached their target',
      'Ava',
      'Spring',
      'Cy',
    ];
    expectInOrder(message.html, order);
    expectInOrder(
      message.text,
      order.map((s) => (s === 'Fall' ? 'FALL <2026>' : s === 'Spring' ? 'SPRING' : s)),
    );
    expect(message.text).toContain(
      '- Ben <script> (risk 7): No interview held by mid-term; No activity in 14 days',
    );
    expect(message.html).toContain('href="https://rapport.example.edu/advisor/students/s-2?token=');
    expect(message.text).toContain(`Unsubscribe: ${unsubscribeUrl}`);
  });
});

describe('html builder', () => {
  it('escapes interpolations but not nested SafeHtml', () => {
    const inner = html`<em>${'<i>'}</em>`;
    expect(html`<p title="${`"'`}">${inner}${['a<', 1]}${null}</p>`.value).toBe(
      '<p title="&quot;&#39;"><em>&lt;i&gt;</em>a&lt;1</p>',
    );
  });

  it('only lets absolute http(s) URLs into href', () => {
    expect(href('https://x.example/a?b=1&c="2"').value).toBe(
      'https://x.example/a?b=1&amp;c=%222%22',
    );
    expect(() => href('javascript:alert(1)')).toThrow();
    expect(() => href('/relative')).toThrow();
  });
});
