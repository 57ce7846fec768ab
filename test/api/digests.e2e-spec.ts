import type { INestApplication } from '@nestjs/common';
import { type DomainCommand, registerStudentOnEnrollment } from '@rapport/domain';

import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Actor } from '../../apps/api/src/auth/actor';
import type { DigestConfig } from '../../apps/api/src/config/app-config';
import { DigestDelivery } from '../../apps/api/src/digest/digest-delivery.service';
import { DigestRepository } from '../../apps/api/src/digest/digest.repository';
import { DigestScheduler } from '../../apps/api/src/digest/digest-scheduler.service';
import { CommandExecutor } from '../../apps/api/src/write/command-executor';
import { newInstitution } from '../support/builders';
import { graphql, ok } from '../support/graphql';
import { SmtpSink } from '../support/smtp-sink';
import { caughtUp } from '../support/projections';
import { startInstance, startTestApp, testMail, type TestApp } from '../support/test-app';

// Tests drive the scheduler and the worker by hand; the app's timers stay off.
const DIGEST: DigestConfig = {
  enabled: false,
  tickMs: 60_000,
  deliveryMs: 1_000,
  maxAttempts: 5,
  retryBaseMs: 1,
  // Claims of 8 (two per sender): 25 digests take several, so two workers both get some.
  sendConcurrency: 4,
};

/** Another process of the API on the same database (what `startTestApp` builds, without a new database). */
async function startSecondInstance(t: TestApp, sink: SmtpSink): Promise<INestApplication> {
  return startInstance(t.db, { mail: testMail(sink.url), digest: DIGEST });
}

/**
 * Projects everything written so far. `catchUpAll()` alone may stop short: the runner only
 * passes transactions older than every one still open on the server, which others' sessions
 * on a shared PostgreSQL can hold back for a moment. So poll until nothing lags, with a deadline.
 */

const admin = (tenantId: string): Actor => ({ subject: 'admin-test', tenantId, role: 'admin' });
const asStudent = (tenantId: string, studentId: string): Actor => ({
  subject: `user-${studentId}`,
  tenantId,
  role: 'student',
  studentId,
});

/** Domain commands with a simulated `now`, as the demo seed issues them. */
function commands(app: INestApplication, tenantId: string) {
  const executor = app.get(CommandExecutor);
  const run = async (actor: Actor, at: string, command: DomainCommand) =>
    (await executor.execute({ actor, correlationId: randomUUID(), now: new Date(at) }, command))
      .events;
  return {
    async cohort(at: string, name: string, interviewTargetOverride: number | null = null) {
      const cohortId = randomUUID();
      await run(admin(tenantId), at, {
        type: 'CreateCohort',
        data: {
          cohortId,
          name,
          term: 'Fall 2026',
          startDate: '2026-09-01',
          endDate: '2027-01-29',
          interviewTargetOverride,
          at,
        },
      });
      return cohortId;
    },
    async enrol(at: string, cohortId: string, names: string[]) {
      const rows = names.map((name) => ({
        studentId: randomUUID(),
        name,
        email: `${name.toLowerCase().replace(/\W+/g, '.')}.${randomUUID().slice(0, 6)}@students.test`,
      }));
      const events = await run(admin(tenantId), at, {
        type: 'EnrollStudents',
        data: { cohortId, rows, at },
      });
      for (const event of events)
        if (event.type === 'StudentEnrolled')
          await run(admin(tenantId), at, registerStudentOnEnrollment(event));
      return rows;
    },
    student(studentId: string) {
      const me = asStudent(tenantId, studentId);
      const exec = (at: string, command: DomainCommand) => run(me, at, command);
      return {
        exec,
        async contact(at: string, name: string, organization: string) {
          const contactId = randomUUID();
          await exec(at, {
            type: 'AddContact',
            data: {
              contactId,
              studentId,
              relationship: 'friend',
              organization,
              personal: { name },
              at,
            },
          });
          return contactId;
        },
        async request(at: string, contactId: string) {
          const interviewId = randomUUID();
          await exec(at, {
            type: 'SendRequest',
            data: {
              interviewId,
              studentId,
              contactId,
              channel: 'email',
              askMinutes: 30,
              proposedFormats: ['video'],
              at,
            },
          });
          return interviewId;
        },
        async held(at: string, contactId: string) {
          const interviewId = randomUUID();
          await exec(at, {
            type: 'RecordInterviewHeld',
            data: {
              interviewId,
              studentId,
              contactId,
              heldAt: at,
              format: 'video',
              personal: {},
              at,
            },
          });
          return interviewId;
        },
      };
    },
  };
}

/** Every needle occurs in `body`, in the given order. */
function expectInOrder(body: string, needles: string[]) {
  const at = needles.map((n) => [n, body.indexOf(n)] as const);
  expect(at.filter(([, i]) => i < 0).map(([n]) => n)).toEqual([]);
  expect(at.map(([n]) => n)).toEqual([...at].sort((x, y) => x[1] - y[1]).map(([n]) => n));
}

describe('weekly digests: scheduling, content and one-click unsubscribe', () => {
  let t: TestApp;
  let sink: SmtpSink;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({ mail: testMail(sink.url), digest: DIGEST });
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it("mails a cohort's Monday digest to exactly the students with something outstanding", async () => {
    // Monday 2026-11-30 08:05 in Chicago (CST, UTC-6).
    const monday = new Date('2026-11-30T14:05:00Z');
    const inst = await newInstitution(t, { timeZone: 'America/Chicago' });
    const c = commands(t.app, inst.tenantId);
    const cohortId = await c.cohort('2026-11-02T15:00:00Z', 'Fall Explorers');
    const done = await c.cohort('2026-11-02T15:00:00Z', 'Early Finishers', 1);
    const [ava, ben, cara, dan, fay] = await c.enrol('2026-11-02T15:00:00Z', cohortId, [
      'Ava Stone',
      'Ben Ortiz',
      'Cara Nguyen',
      'Dan Moss',
      'Fay Lind',
    ]);
    const [eve] = await c.enrol('2026-11-02T15:00:00Z', done, ['Eve Marsh']);

    // Ava: an overdue thank-you, a request awaiting a reply, an interview to prepare, 2 to go.
    const a = c.student(ava.studentId);
    const dana = await a.contact('2026-11-03T15:00:00Z', 'Dana Fox', 'City Hospital');
    const lee = await a.contact('2026-11-03T15:00:00Z', 'Lee Park', 'Riverbank Clinic');
    const noor = await a.contact('2026-11-03T15:00:00Z', 'Noor Haddad', 'Harbor Labs');
    await a.held('2026-11-20T16:00:00Z', dana); // thank-you due 11-23: overdue on the 30th
    await a.request('2026-11-25T15:00:00Z', lee); // nudge due 12-02: not yet overdue
    const prep = await a.request('2026-11-18T15:00:00Z', noor);
    await a.exec('2026-11-19T15:00:00Z', {
      type: 'RecordAcceptance',
      data: { interviewId: prep, at: '2026-11-19T15:00:00Z' },
    });
    await a.exec('2026-11-19T16:00:00Z', {
      type: 'ScheduleInterview',
      data: {
        interviewId: prep,
        scheduledFor: '2026-12-02T17:00:00Z', // prepare from 11-29 on
        format: 'video',
        durationMinutes: 30,
        at: '2026-11-19T16:00:00Z',
      },
    });
    // Ben: a request without a reply for three weeks: an overdue nudge.
    const b = c.student(ben.studentId);
    await b.request(
      '2026-11-10T15:00:00Z',
      await b.contact('2026-11-09T15:00:00Z', 'Omar Reyes', 'Summit Bank'),
    );
    // Cara: nothing but the interviews still to hold (that is outstanding too).
    // Dan: the same, but he switched digests off.
    await c.student(dan.studentId).exec('2026-11-03T15:00:00Z', {
      type: 'SetDigestPreference',
      data: { studentId: dan.studentId, preference: 'off', at: '2026-11-03T15:00:00Z' },
    });
    // Eve: reached her cohort's target of 1, thanked, the contact archived: nothing to say.
    const e = c.student(eve.studentId);
    const priya = await e.contact('2026-11-03T15:00:00Z', 'Priya Shah', 'Northwind');
    const eveInterview = await e.held('2026-11-10T15:00:00Z', priya);
    await e.exec('2026-11-11T15:00:00Z', {
      type: 'RecordThankYou',
      data: {
        interviewId: eveInterview,
        sentAt: '2026-11-11T15:00:00Z',
        channel: 'email',
        at: '2026-11-11T15:00:00Z',
      },
    });
    await e.exec('2026-11-12T15:00:00Z', {
      type: 'ArchiveContact',
      data: { contactId: priya, at: '2026-11-12T15:00:00Z' },
    });
    // Fay: withdrew from the program.
    await c.student(fay.studentId).exec('2026-11-05T15:00:00Z', {
      type: 'WithdrawStudent',
      data: { cohortId, studentId: fay.studentId, at: '2026-11-05T15:00:00Z' },
    });
    await caughtUp(t.app);
    // Eve really has nothing outstanding and still wants digests.
    const eveNow = ok(
      await graphql(
        t.app,
        inst.adminToken,
        `
          query ($id: ID!, $at: DateTime) {
            student(id: $id) {
              digestPreference
              followUps(asOf: $at) {
                kind
              }
            }
          }
        `,
        { id: eve.studentId, at: monday.toISOString() },
      ),
    ).student;
    expect(eveNow).toEqual({ digestPreference: 'weekly', followUps: [] });

    const scheduler = t.app.get(DigestScheduler);
    const delivery = t.app.get(DigestDelivery);
    // Monday 07:59 local is too early.
    expect(await scheduler.tick(new Date('2026-11-30T13:59:00Z'))).toBe(0);
    expect((await delivery.deliverDue()).sent).toBe(0);
    expect(sink.messages).toHaveLength(0);

    expect(await scheduler.tick(monday)).toBe(3);
    expect(await delivery.deliverDue()).toEqual({ sent: 3, retried: 0, dead: 0 });
    expect(sink.messages.map((m) => m.to).sort()).toEqual(
      [[ava.email], [ben.email], [cara.email]].sort(),
    );
    for (const nobody of [dan, eve, fay]) expect(sink.messagesTo(nobody.email)).toHaveLength(0);
    // The same week again: nothing more.
    expect(await scheduler.tick(new Date('2026-11-30T20:00:00Z'))).toBe(0);
    expect((await delivery.deliverDue()).sent).toBe(0);
    expect(sink.messages).toHaveLength(3);

    const [mail] = sink.messagesTo(ava.email);
    expect(mail.subject).toBe(`${inst.name}: your week – 3 follow-ups, 1 overdue`);
    expect(mail.parsed.headers.get('content-type')).toMatchObject({
      value: 'multipart/alternative',
    });
    expect(mail.html).toContain('<!DOCTYPE html>');
    expect(mail.text).toContain('Hi Ava Stone,');
    // Overdue thank-yous first, then nudges, then preparation, then the target.
    const headings = [
      'Overdue thank-yous',
      'Follow up on requests',
      'Prepare for upcoming interviews',
      'Your interview target',
    ];
    expectInOrder(mail.html, headings);
    expectInOrder(
      mail.text,
      headings.map((h) => h.toUpperCase()),
    );
    const titles = [
      'Thank Dana Fox (City Hospital) for the interview',
      'Send Lee Park (Riverbank Clinic) a polite follow-up',
      'Prepare for your interview with Noor Haddad (Harbor Labs)',
      '2 more interviews to reach your target of 3',
    ];
    expectInOrder(mail.html, titles);
    expectInOrder(mail.text, titles);
    expect(mail.text).toMatch(
      /Thank Dana Fox \(City Hospital\) for the interview\n {2}Due Mon, Nov 23 \(OVERDUE\)/,
    );
    expect(sink.messagesTo(ben.email)[0].text).toContain('Due Tue, Nov 17 (OVERDUE)');
    expect(sink.messagesTo(cara.email)[0].subject).toBe(
      `${inst.name}: your week – 3 more interviews to reach your target of 3`,
    );

    // RFC 8058 one-click unsubscribe, on the https app URL.
    for (const m of sink.messages) {
      expect(m.headers['list-unsubscribe']).toMatch(
        /^<https:\/\/rapport\.test\/unsubscribe\?token=[^>\s]+>$/,
      );
      expect(m.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
      expect(m.headers['x-rapport-digest']).toBe('2026-W49');
    }
    const unsubscribe = new URL(mail.headers['list-unsubscribe'].slice(1, -1));
    expect(mail.text).toContain(`Unsubscribe: ${unsubscribe.href}`);
    const response = await request(t.app.getHttpServer())
      .post(`${unsubscribe.pathname}${unsubscribe.search}`)
      .type('form')
      .send('List-Unsubscribe=One-Click');
    expect(response.status).toBe(200);
    expect(response.text).toBe('You will receive no more weekly digests.');
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    // Mail clients may POST again: still fine.
    const again = await request(t.app.getHttpServer())
      .post(`${unsubscribe.pathname}${unsubscribe.search}`)
      .type('form')
      .send('List-Unsubscribe=One-Click');
    expect(again.status).toBe(200);
    const preference = ok(
      await graphql(
        t.app,
        inst.adminToken,
        `
          query ($id: ID!) {
            student(id: $id) {
              digestPreference
            }
          }
        `,
        {
          id: ava.studentId,
        },
      ),
    ).student.digestPreference;
    expect(preference).toBe('off');

    // Next Monday: everyone but Ava gets theirs.
    sink.reset();
    expect(await scheduler.tick(new Date('2026-12-07T14:05:00Z'))).toBe(2);
    expect(await delivery.deliverDue()).toEqual({ sent: 2, retried: 0, dead: 0 });
    expect(sink.messages.map((m) => m.to).sort()).toEqual([[ben.email], [cara.email]].sort());
    expect(sink.messages.every((m) => m.headers['x-rapport-digest'] === '2026-W50')).toBe(true);
  });
});

/** Monday 08:00 and the UTC instants that is in each zone. */
const SLOTS: {
  week: string;
  tokyo: string;
  la: string;
  /** A tick on the Sunday before: late for the previous week (Sunday 21:00 in Tokyo). */
  catchUp?: { at: string; week: string };
}[] = [
  // Before the US spring-forward (Sunday 2026-03-08): PST, UTC-8.
  {
    week: '2026-W10',
    tokyo: '2026-03-01T23:00:00Z',
    la: '2026-03-02T16:00:00Z',
    catchUp: { at: '2026-03-01T12:00:00Z', week: '2026-W09' },
  },
  // The Monday right after it: PDT, UTC-7.
  { week: '2026-W11', tokyo: '2026-03-08T23:00:00Z', la: '2026-03-09T15:00:00Z' },
  // The last Monday of PDT before the fall-back (Sunday 2026-11-01).
  {
    week: '2026-W44',
    tokyo: '2026-10-25T23:00:00Z',
    la: '2026-10-26T15:00:00Z',
    catchUp: { at: '2026-10-25T12:00:00Z', week: '2026-W43' },
  },
  // The Monday right after it: PST again.
  { week: '2026-W45', tokyo: '2026-11-01T23:00:00Z', la: '2026-11-02T16:00:00Z' },
];

describe('digest slots in the institution time zone', () => {
  let t: TestApp;
  let sink: SmtpSink;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({ mail: testMail(sink.url), digest: DIGEST });
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  const weeksOf = (tenantId: string) =>
    t.db.app.database.withTenant(tenantId, (tx) =>
      tx.query<{ week: string }>(`SELECT week FROM digests WHERE tenant_id = $1 ORDER BY week`, [
        tx.tenantId,
      ]),
    );

  async function institutionWithAStudent(timeZone: string) {
    const inst = await newInstitution(t, { timeZone });
    const c = commands(t.app, inst.tenantId);
    const cohortId = await c.cohort('2026-02-02T00:00:00Z', 'Explorers');
    await c.enrol('2026-02-02T00:00:00Z', cohortId, ['Sam Lee']);
    return inst;
  }

  it('is due at local Monday 08:00 in Los Angeles and Tokyo, across the US DST changes', async () => {
    const la = await institutionWithAStudent('America/Los_Angeles');
    const tokyo = await institutionWithAStudent('Asia/Tokyo');
    await caughtUp(t.app);
    const scheduler = t.app.get(DigestScheduler);
    const at = (iso: string, deltaMs = 0) => new Date(new Date(iso).getTime() + deltaMs);

    const expectedTokyo: string[] = [];
    const expectedLa: string[] = [];
    for (const slot of SLOTS) {
      if (slot.catchUp) {
        // The first tick in a while catches up the previous week in both zones (each one's
        // current week then); the weeks in between, when nothing ticked, are skipped.
        expect(await scheduler.tick(at(slot.catchUp.at))).toBe(2);
        expectedTokyo.push(slot.catchUp.week);
        expectedLa.push(slot.catchUp.week);
      }
      expect([slot.week, await scheduler.tick(at(slot.tokyo, -1))]).toEqual([slot.week, 0]);
      expect([slot.week, await scheduler.tick(at(slot.tokyo))]).toEqual([slot.week, 1]);
      expectedTokyo.push(slot.week);
      expect((await weeksOf(tokyo.tenantId)).map((r) => r.week)).toEqual(expectedTokyo);
      expect((await weeksOf(la.tenantId)).map((r) => r.week)).toEqual(expectedLa);

      // An hour early in LA is 07:00 local: nothing, whichever side of a DST change.
      expect([slot.week, await scheduler.tick(at(slot.la, -3_600_000))]).toEqual([slot.week, 0]);
      expect([slot.week, await scheduler.tick(at(slot.la, -1))]).toEqual([slot.week, 0]);
      expect([slot.week, await scheduler.tick(at(slot.la))]).toEqual([slot.week, 1]);
      expectedLa.push(slot.week);
      expect((await weeksOf(la.tenantId)).map((r) => r.week)).toEqual(expectedLa);
      expect((await weeksOf(tokyo.tenantId)).map((r) => r.week)).toEqual(expectedTokyo);
    }
    const sent = await t.app.get(DigestDelivery).deliverDue();
    expect(sent).toEqual({ sent: 12, retried: 0, dead: 0 });
  });

  it('puts a slot in a skipped hour after the gap, and one in a repeated hour at its first occurrence', async () => {
    const scheduler = t.app.get(DigestScheduler);
    const settings = async (inst: Awaited<ReturnType<typeof newInstitution>>, hour: number) =>
      ok(
        await graphql(
          t.app,
          inst.adminToken,
          `
            mutation ($input: ChangeInstitutionSettingsInput!) {
              changeInstitutionSettings(input: $input) {
                institution {
                  settings {
                    digestWeekday
                    digestHour
                  }
                }
              }
            }
          `,
          { input: { settings: { digestWeekday: 7, digestHour: hour } } },
        ),
      );
    // Sunday 02:00 does not exist in LA on 2026-03-08: the clock jumps to 03:00 PDT (10:00Z).
    const gap = await institutionWithAStudent('America/Los_Angeles');
    await settings(gap, 2);
    // Sunday 01:00 happens twice on 2026-11-01: first in PDT (08:00Z), then in PST (09:00Z).
    const overlap = await institutionWithAStudent('America/Los_Angeles');
    await settings(overlap, 1);
    await caughtUp(t.app);

    const run = (tenantId: string, iso: string, deltaMs = 0) =>
      scheduler.runIfDue(tenantId, new Date(new Date(iso).getTime() + deltaMs));
    expect(await run(gap.tenantId, '2026-03-08T10:00:00Z', -1)).toBe(0);
    expect(await run(gap.tenantId, '2026-03-08T10:00:00Z')).toBe(1);
    expect(await run(overlap.tenantId, '2026-11-01T08:00:00Z', -1)).toBe(0);
    expect(await run(overlap.tenantId, '2026-11-01T08:00:00Z')).toBe(1);
    expect((await weeksOf(gap.tenantId)).map((r) => r.week)).toEqual(['2026-W10']);
    expect((await weeksOf(overlap.tenantId)).map((r) => r.week)).toEqual(['2026-W44']);
    // The second 01:00 of that Sunday is the same week's slot: not a second digest.
    expect(await run(overlap.tenantId, '2026-11-01T09:00:00Z')).toBe(0);
  });
});

describe('digests with several app instances on one database', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let students: { studentId: string; email: string }[];
  let tenantId: string;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({ mail: testMail(sink.url), digest: DIGEST });
    const inst = await newInstitution(t, { timeZone: 'America/Chicago' });
    tenantId = inst.tenantId;
    const c = commands(t.app, inst.tenantId);
    const cohortId = await c.cohort('2026-11-02T15:00:00Z', 'Crowd');
    // More than one claim (8), so both workers have something to claim.
    students = await c.enrol(
      '2026-11-02T15:00:00Z',
      cohortId,
      Array.from({ length: 25 }, (_, i) => `Student ${String(i).padStart(2, '0')}`),
    );
    await caughtUp(t.app);
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  const expectOnePerStudent = () => {
    expect(sink.messages).toHaveLength(students.length);
    for (const s of students) expect(sink.messagesTo(s.email)).toHaveLength(1);
  };

  it('two instances ticking and delivering at the same moment send each recipient one email', async () => {
    const other = await startSecondInstance(t, sink);
    try {
      const monday = new Date('2026-11-30T14:05:00Z');
      const ticks = await Promise.all([
        t.app.get(DigestScheduler).tick(monday),
        other.get(DigestScheduler).tick(monday),
      ]);
      expect(ticks[0] + ticks[1]).toBe(students.length);
      const reports = await Promise.all([
        t.app.get(DigestDelivery).deliverDue(),
        other.get(DigestDelivery).deliverDue(),
      ]);
      expect(reports[0].sent + reports[1].sent).toBe(students.length);
      // Both really worked the queue at the same time (25 messages, claims of 8).
      expect(reports.every((r) => r.sent > 0)).toBe(true);
      expectOnePerStudent();
      expect(reports.map((r) => r.retried + r.dead)).toEqual([0, 0]);
    } finally {
      await other.close();
    }
  });

  it('digests scheduled by an instance that then went away are sent once by another', async () => {
    sink.reset();
    const crashed = await startSecondInstance(t, sink);
    expect(await crashed.get(DigestScheduler).tick(new Date('2026-12-07T14:05:00Z'))).toBe(
      students.length,
    );
    await crashed.close();
    expect(sink.messages).toHaveLength(0);

    const delivery = t.app.get(DigestDelivery);
    expect(await delivery.deliverDue()).toEqual({ sent: students.length, retried: 0, dead: 0 });
    expectOnePerStudent();
    expect(await delivery.deliverDue()).toEqual({ sent: 0, retried: 0, dead: 0 });
    expect(sink.messages).toHaveLength(students.length);
  });

  it('a run left unfinished by a crash mid-scheduling is taken over after ten minutes', async () => {
    sink.reset();
    const monday = new Date('2026-12-21T14:05:00Z');
    // An instance claimed this week's run and died before scheduling anything.
    expect(await t.app.get(DigestRepository).claimRun(tenantId, '2026-W52')).toBe(true);
    const scheduler = t.app.get(DigestScheduler);
    expect(await scheduler.tick(monday)).toBe(0);
    await t.db.app.database.withTenant(tenantId, (tx) =>
      tx.execute(
        `UPDATE digest_runs SET started_at = now() - interval '11 minutes' WHERE tenant_id = $1 AND week = '2026-W52'`,
        [tx.tenantId],
      ),
    );
    expect(await scheduler.tick(monday)).toBe(students.length);
    expect(await scheduler.tick(monday)).toBe(0);
    expect(await t.app.get(DigestDelivery).deliverDue()).toEqual({
      sent: students.length,
      retried: 0,
      dead: 0,
    });
    expectOnePerStudent();
  });

  it('messages claimed by a worker that died mid-send are sent once its lease runs out', async () => {
    sink.reset();
    const crashed = await startSecondInstance(t, sink);
    expect(await crashed.get(DigestScheduler).tick(new Date('2026-12-28T14:05:00Z'))).toBe(
      students.length,
    );
    // The worker claims everything, then dies before sending anything.
    const claimed = await crashed.get(DigestRepository).claimDue(1_000, 120);
    expect(claimed).toHaveLength(students.length);
    await crashed.close();

    const delivery = t.app.get(DigestDelivery);
    expect(await delivery.deliverDue()).toEqual({ sent: 0, retried: 0, dead: 0 });
    expect(sink.messages).toHaveLength(0);
    // Two minutes later (the lease) another worker takes over.
    await t.db.app.database.withTenant(tenantId, (tx) =>
      tx.execute(
        `UPDATE outbox SET lease_until = now() - interval '1 second' WHERE tenant_id = $1 AND status = 'sending'`,
        [tx.tenantId],
      ),
    );
    expect(await delivery.deliverDue()).toEqual({ sent: students.length, retried: 0, dead: 0 });
    expectOnePerStudent();
    expect(await delivery.deliverDue()).toEqual({ sent: 0, retried: 0, dead: 0 });
  });
});
