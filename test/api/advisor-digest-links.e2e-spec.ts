import { registerStudentOnEnrollment, type DomainCommand } from '@rapport/domain';
import { signAdvisorDigestViewToken, verifyAdvisorDigestViewToken } from '@rapport/notifications';
import { DateTime } from 'luxon';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import request from 'supertest';
import type { Actor } from '../../apps/api/src/auth/actor';
import { DigestDelivery } from '../../apps/api/src/digest/digest-delivery.service';
import { DigestScheduler } from '../../apps/api/src/digest/digest-scheduler.service';
import { newInstitution, newStaff } from '../support/builders';
import { graphql, ok } from '../support/graphql';
import { caughtUp } from '../support/projections';
import { SmtpSink, type SunkMessage } from '../support/smtp-sink';
import { admin, linksOf, runAs } from '../support/student-digest';
import {
  startInstance,
  startTestApp,
  TEST_JWT_SECRET,
  TEST_UNSUBSCRIBE_SECRET,
  testMail,
  type TestApp,
} from '../support/test-app';

// A real advisor digest on the real clock: the pages are read at the app's own `new Date()`.
const DAY = 86_400_000;

describe("every link of an advisor's digest opens a read-only page", () => {
  let t: TestApp;
  let sink: SmtpSink;
  let logs = '';
  let inst: Awaited<ReturnType<typeof newInstitution>>;
  let maria: Awaited<ReturnType<typeof newStaff>>;
  let omar: Awaited<ReturnType<typeof newStaff>>;
  let health: string;
  let tech: string;
  const students: Record<
    'ava' | 'ben' | 'cy' | 'dee',
    { id: string; name: string; email: string }
  > = {
    ava: { id: randomUUID(), name: 'Ava Quill', email: `ava.${randomUUID().slice(0, 6)}@s.test` },
    ben: { id: randomUUID(), name: 'Ben Marsh', email: `ben.${randomUUID().slice(0, 6)}@s.test` },
    cy: { id: randomUUID(), name: 'Cy Holloway', email: `cy.${randomUUID().slice(0, 6)}@s.test` },
    dee: { id: randomUUID(), name: 'Dee Sato', email: `dee.${randomUUID().slice(0, 6)}@s.test` },
  };
  let mariaMail: SunkMessage;
  let omarMail: SunkMessage;

  const server = () => request(t.app.getHttpServer());
  const get = (link: string) => {
    const url = new URL(link);
    return server().get(`${url.pathname}${url.search}`);
  };
  const tokenOf = (mail: SunkMessage) =>
    new URL(linksOf(mail).html.find((l) => new URL(l).pathname === '/advisor')!).searchParams.get(
      'token',
    )!;
  const personal = () => [
    maria.name,
    maria.email,
    omar.name,
    omar.email,
    ...Object.values(students).flatMap((s) => [s.name, s.email]),
    'Dana Lee',
  ];

  beforeAll(async () => {
    sink = await SmtpSink.start();
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs += chunk.toString();
        done();
      },
    });
    t = await startTestApp({ mail: testMail(sink.url), log: { level: 'info', destination } });
    const now = new Date();
    const at = (days: number) => new Date(now.getTime() + days * DAY).toISOString();
    const date = (days: number) => at(days).slice(0, 10);
    inst = await newInstitution(t, { timeZone: 'UTC' });
    maria = await newStaff(t, inst.adminToken, {
      name: 'Maria Quinn',
      email: `maria.${randomUUID().slice(0, 6)}@staff.test`,
    });
    omar = await newStaff(t, inst.adminToken, {
      name: 'Omar Vance',
      email: `omar.${randomUUID().slice(0, 6)}@staff.test`,
    });
    const run = runAs(t.app);
    const boss = admin(inst.tenantId);
    health = randomUUID();
    tech = randomUUID();
    for (const [cohortId, name, advisor, members] of [
      [health, 'Health Careers', maria, [students.ava, students.ben, students.cy]],
      [tech, 'Tech Pathways', omar, [students.dee]],
    ] as const) {
      await run(boss, at(-20), {
        type: 'CreateCohort',
        data: {
          cohortId,
          name,
          term: 'Now',
          startDate: date(-30),
          endDate: date(60),
          // One interview reaches the target, so someone can be at it.
          interviewTargetOverride: 1,
          at: at(-20),
        },
      });
      ok(
        await graphql(
          t.app,
          inst.adminToken,
          `
            mutation ($c: ID!, $a: ID!) {
              assignAdvisor(input: { cohortId: $c, advisorId: $a }) {
                cohort {
                  id
                }
              }
            }
          `,
          { c: cohortId, a: advisor.staffId },
        ),
      );
      const enrolled = await run(boss, at(-20), {
        type: 'EnrollStudents',
        data: {
          cohortId,
          rows: members.map((m) => ({ studentId: m.id, name: m.name, email: m.email })),
          at: at(-20),
        },
      });
      for (const event of enrolled)
        if (event.type === 'StudentEnrolled')
          await run(boss, at(-20), registerStudentOnEnrollment(event));
    }
    const as = (studentId: string): Actor => ({
      subject: `user-${studentId}`,
      tenantId: inst.tenantId,
      role: 'student',
      studentId,
    });
    const held = async (studentId: string, days: number) => {
      const contactId = randomUUID();
      const interviewId = randomUUID();
      const commands: DomainCommand[] = [
        {
          type: 'AddContact',
          data: {
            contactId,
            studentId,
            relationship: 'friend',
            organization: 'City Hospital',
            personal: { name: 'Dana Lee' },
            at: at(days),
          },
        },
        {
          type: 'RecordInterviewHeld',
          data: {
            interviewId,
            studentId,
            contactId,
            heldAt: at(days),
            format: 'video',
            personal: {},
            at: at(days),
          },
        },
      ];
      for (const command of commands) await run(as(studentId), at(days), command);
      return interviewId;
    };
    // Ben owes a thank-you for ten days (overdue); Cy held hers and thanked: at target.
    await held(students.ben.id, -10);
    const cyInterview = await held(students.cy.id, -8);
    await run(as(students.cy.id), at(-7), {
      type: 'RecordThankYou',
      data: { interviewId: cyInterview, sentAt: at(-7), channel: 'email', at: at(-7) },
    });
    await caughtUp(t.app);

    const week = DateTime.fromJSDate(now, { zone: 'utc' }).toFormat("kkkk-'W'WW");
    await t.app.get(DigestScheduler).runWeek(inst.tenantId, week, now);
    await t.app.get(DigestDelivery).deliverDue();
    // Their invitations went to the same addresses: the digest is the one with the week's header.
    const digestTo = (email: string) =>
      sink.messagesTo(email).find((m) => m.headers['x-rapport-digest'] === week)!;
    mariaMail = digestTo(maria.email);
    omarMail = digestTo(omar.email);
    if (!mariaMail || !omarMail) throw new Error('no advisor digest reached the sink');
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('walks every href of the HTML part and every URL of the text part: all open, all show her students', async () => {
    const { html, text } = linksOf(mariaMail);
    expect(new Set(text)).toEqual(new Set(html));
    const byPath = new Map<string, string>();
    for (const link of new Set([...html, ...text])) {
      const url = new URL(link);
      expect(url.origin).toBe('https://rapport.test');
      const response = await get(link);
      expect({ link: url.pathname, status: response.status }).toEqual({
        link: url.pathname,
        status: 200,
      });
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      byPath.set(url.pathname, response.text);
    }
    const { ava, ben, cy } = students;
    expect([...byPath.keys()].sort()).toEqual(
      [
        '/advisor',
        `/advisor/cohorts/${health}`,
        `/advisor/students/${ava.id}`,
        `/advisor/students/${ben.id}`,
        `/advisor/students/${cy.id}`,
        '/unsubscribe',
      ].sort(),
    );
    // Nothing left of the old links that led nowhere.
    expect(mariaMail.html + mariaMail.text).not.toMatch(/rapport\.test\/(students|cohorts)\//);

    const home = byPath.get('/advisor')!;
    expect(home).toContain('Health Careers');
    expect(home).not.toContain('Tech Pathways');
    // Students 3, at risk some, overdue 1 (Ben's thank-you), at target 2 (Ben and Cy held one),
    // and on to the cohort with the same token.
    expect(home).toMatch(
      /<td class="num">3<\/td><td class="num">\d<\/td><td class="num">1<\/td><td class="num">2<\/td>/,
    );
    expect(home).toContain(
      `href="/advisor/cohorts/${health}?token=${encodeURIComponent(tokenOf(mariaMail))}"`,
    );

    const cohort = byPath.get(`/advisor/cohorts/${health}`)!;
    for (const s of [ava, ben, cy]) {
      expect(cohort).toContain(s.name);
      expect(cohort).toContain(`/advisor/students/${s.id}?token=`);
    }
    expect(cohort).not.toContain(students.dee.name);
    // Ranked by risk: Cy, at target and up to date, comes last.
    expect(cohort.indexOf(cy.name)).toBeGreaterThan(cohort.indexOf(ben.name));
    expect(cohort).toContain('<th scope="col">Reasons</th>');
    expect(cohort).toContain('Interviews held');

    const benPage = byPath.get(`/advisor/students/${ben.id}`)!;
    expect(benPage).toContain(`<h1>${ben.name}</h1>`);
    expect(benPage).toContain('Thank-you after an interview');
    expect(benPage).toContain('(overdue)');
    expect(benPage).not.toMatch(/<form|<button/);
    expect(byPath.get(`/advisor/students/${cy.id}`)).toContain(`<h1>${cy.name}</h1>`);

    const headers = (await get(html.find((l) => new URL(l).pathname === '/advisor')!)).headers;
    expect(headers['cache-control']).toBe('no-store');
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['content-security-policy']).toContain("default-src 'none'");
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it("another advisor's token opens neither a cohort nor a student they are not assigned to", async () => {
    const token = encodeURIComponent(tokenOf(omarMail));
    const cohort = await server().get(`/advisor/cohorts/${health}?token=${token}`);
    expect(cohort.status).toBe(403);
    expect(cohort.text).not.toContain(students.ava.name);
    const student = await server().get(`/advisor/students/${students.ben.id}?token=${token}`);
    expect(student.status).toBe(403);
    expect(student.text).not.toContain(students.ben.name);
    // Their own cohort opens.
    const own = await server().get(`/advisor/cohorts/${tech}?token=${token}`);
    expect(own.status).toBe(200);
    expect(own.text).toContain(students.dee.name);
    // An unknown cohort is simply not there.
    expect((await server().get(`/advisor/cohorts/${randomUUID()}?token=${token}`)).status).toBe(
      404,
    );
  });

  it('a student withdrawn after the mail is gone from the cohort page and her page closes', async () => {
    ok(
      await graphql(
        t.app,
        inst.adminToken,
        `
          mutation ($c: ID!, $s: ID!) {
            withdrawStudent(input: { cohortId: $c, studentId: $s }) {
              cohort {
                id
              }
            }
          }
        `,
        { c: health, s: students.ava.id },
      ),
    );
    await caughtUp(t.app);
    const links = linksOf(mariaMail).html;
    const cohort = await get(
      links.find((l) => new URL(l).pathname.startsWith('/advisor/cohorts/'))!,
    );
    expect(cohort.status).toBe(200);
    expect(cohort.text).not.toContain(students.ava.name);
    expect(cohort.text).toContain(students.ben.name);
    const home = await get(links.find((l) => new URL(l).pathname === '/advisor')!);
    expect(home.text).toMatch(/<td class="num">2<\/td>/);
    const ava = await get(
      links.find((l) => new URL(l).pathname === `/advisor/students/${students.ava.id}`)!,
    );
    expect(ava.status).toBe(403);
    expect(ava.text).not.toContain(students.ava.name);
  });

  it('an expired link points to the dashboard; a tampered or missing one is a 400 page', async () => {
    const old = signAdvisorDigestViewToken(
      { tenantId: inst.tenantId, staffId: maria.staffId, digestId: 'd-old' },
      TEST_UNSUBSCRIBE_SECRET,
      new Date(Date.now() - 15 * DAY),
    );
    const expired = await server().get(`/advisor?token=${encodeURIComponent(old)}`);
    expect(expired.status).toBe(400);
    expect(expired.text).toContain('This link has expired');
    expect(expired.text).toContain("sign in to your institution's Rapport dashboard");
    expect(expired.text).toContain(inst.name);
    expect(expired.headers['cache-control']).toBe('no-store');

    const good = tokenOf(mariaMail);
    const [body, mac] = good.split('.');
    const tampered = `${body}.${mac.slice(0, -2)}${mac.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(verifyAdvisorDigestViewToken(tampered, TEST_UNSUBSCRIBE_SECRET, new Date()).ok).toBe(
      false,
    );
    for (const path of [
      `/advisor?token=${encodeURIComponent(tampered)}`,
      `/advisor/cohorts/${health}?token=${encodeURIComponent(tampered)}`,
      `/advisor/students/${students.ben.id}?token=${encodeURIComponent(tampered)}`,
      `/advisor/students/${students.ben.id}`,
      `/advisor?token=a&token=b`,
    ]) {
      const response = await server().get(path);
      expect({ path, status: response.status }).toEqual({ path, status: 400 });
      expect(response.text).toContain('This link does not work');
      expect(response.text).not.toContain(students.ben.name);
    }
  });

  it('is rate limited like every public link', async () => {
    const app = await startInstance(t.db, {
      mail: testMail(sink.url),
      auth: { secret: TEST_JWT_SECRET },
      rateLimit: {
        enabled: true,
        userOpsPerMinute: 100_000,
        tenantOpsPerMinute: 100_000,
        publicPerMinute: 2,
      },
    });
    try {
      const path = `/advisor?token=${encodeURIComponent(tokenOf(mariaMail))}`;
      for (let i = 0; i < 2; i++)
        expect((await request(app.getHttpServer()).get(path)).status).toBe(200);
      expect((await request(app.getHttpServer()).get(path)).status).toBe(429);
    } finally {
      await app.close();
    }
  });

  it('a deactivated advisor gets a polite 403 on every link of her digest', async () => {
    ok(
      await graphql(
        t.app,
        inst.adminToken,
        `
          mutation ($input: DeactivateStaffInput!) {
            deactivateStaff(input: $input) {
              staffMember {
                id
              }
            }
          }
        `,
        { input: { staffId: maria.staffId } },
      ),
    );
    for (const link of new Set(linksOf(mariaMail).html)) {
      if (new URL(link).pathname === '/unsubscribe') continue;
      const response = await get(link);
      expect({ link: new URL(link).pathname, status: response.status }).toEqual({
        link: new URL(link).pathname,
        status: 403,
      });
      expect(response.text).toContain('ask an administrator of your institution');
      for (const s of Object.values(students)) expect(response.text).not.toContain(s.name);
    }
  });

  it('logs no names, addresses or tokens', () => {
    expect(logs).toContain('/advisor/cohorts/');
    for (const value of personal()) expect(logs).not.toContain(value);
    expect(logs).not.toContain(tokenOf(mariaMail));
    expect(logs).not.toContain(encodeURIComponent(tokenOf(mariaMail)));
    expect(logs).not.toContain(tokenOf(omarMail));
  });
});
