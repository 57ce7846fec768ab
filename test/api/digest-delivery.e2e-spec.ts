import type { INestApplication } from '@nestjs/common';
import { registerStudentOnEnrollment } from '@rapport/domain';

import { isoWeekOf, signUnsubscribeToken } from '@rapport/notifications';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { DigestConfig } from '../../apps/api/src/config/app-config';
import {
  DigestDelivery,
  type DeliveryReport,
} from '../../apps/api/src/digest/digest-delivery.service';
import { DigestScheduler } from '../../apps/api/src/digest/digest-scheduler.service';
import { CommandExecutor } from '../../apps/api/src/write/command-executor';
import { newInstitution } from '../support/builders';
import { errorCode, graphql, ok } from '../support/graphql';
import { SmtpSink } from '../support/smtp-sink';
import { caughtUp } from '../support/projections';
import {
  startInstance,
  startTestApp,
  TEST_UNSUBSCRIBE_SECRET,
  testMail,
  type TestApp,
} from '../support/test-app';

const DIGEST: DigestConfig = {
  enabled: false,
  tickMs: 60_000,
  deliveryMs: 1_000,
  maxAttempts: 5,
  retryBaseMs: 1,
};

const RUNS = `query { digestRuns(last: 10) {
  week scheduled sent pending failed dead
  deadMessages { messageId recipientKind recipientId to attempts lastError }
} }`;
const RESEND = `mutation($id: ID!) { resendDigest(messageId: $id) { messageId to attempts lastError } }`;

/**
 * Projects everything written so far. `catchUpAll()` alone may stop short: the runner only
 * passes transactions older than every one still open on the server, which others' sessions
 * on a shared PostgreSQL can hold back for a moment. So poll until nothing lags, with a deadline.
 */

interface OutboxRow {
  message_id: string;
  to_address: string;
  status: string;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
}

describe('digest delivery: retries, dead letters and unsubscribe links', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let delivery: DigestDelivery;
  // Each test mails a fresh institution's students for its own week.
  let week = 0;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({ mail: testMail(sink.url), digest: DIGEST });
    delivery = t.app.get(DigestDelivery);
  });
  afterEach(() => sink.reset());
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  /** An institution with enrolled students (each owes interviews) whose digests are scheduled. */
  async function scheduled(names: string[]) {
    const inst = await newInstitution(t, { timeZone: 'America/Chicago' });
    const executor = t.app.get(CommandExecutor);
    const at = '2026-11-02T15:00:00Z';
    const context = {
      actor: { subject: 'admin-test', tenantId: inst.tenantId, role: 'admin' as const },
      correlationId: randomUUID(),
      now: new Date(at),
    };
    const cohortId = randomUUID();
    await executor.execute(context, {
      type: 'CreateCohort',
      data: {
        cohortId,
        name: 'Explorers',
        term: 'Fall 2026',
        startDate: '2026-09-01',
        endDate: '2027-01-29',
        at,
      },
    });
    const rows = names.map((name) => ({
      studentId: randomUUID(),
      name,
      email: `${name.toLowerCase().replace(/\W+/g, '.')}.${randomUUID().slice(0, 6)}@students.test`,
    }));
    const { events } = await executor.execute(context, {
      type: 'EnrollStudents',
      data: { cohortId, rows, at },
    });
    for (const event of events)
      if (event.type === 'StudentEnrolled')
        await executor.execute(context, registerStudentOnEnrollment(event));
    await caughtUp(t.app);
    // Monday 08:05 in Chicago of a week no other test used.
    const monday = new Date(Date.parse('2026-11-30T14:05:00Z') + 7 * 86_400_000 * week++);
    expect(await t.app.get(DigestScheduler).runIfDue(inst.tenantId, monday)).toBe(rows.length);
    return { inst, students: rows, monday, week: isoWeekOf(monday, 'America/Chicago') };
  }

  const outbox = (tenantId: string) =>
    t.db.app.database.withTenant(tenantId, (tx) =>
      tx.query<OutboxRow>(
        `SELECT message_id, to_address, status, attempts, next_attempt_at, last_error
           FROM outbox WHERE tenant_id = $1 ORDER BY to_address`,
        [tx.tenantId],
      ),
    );

  const eventTypes = (tenantId: string) =>
    t.db.app.database.withTenant(tenantId, (tx) =>
      tx.query<{ type: string; stream_id: string }>(
        `SELECT type, stream_id FROM events WHERE tenant_id = $1 AND type LIKE 'Digest%' ORDER BY global_position`,
        [tx.tenantId],
      ),
    );

  /** Runs the worker until `done`, adding up its reports (retries are due 1 ms, 2 ms, … later). */
  async function deliverUntil(done: () => Promise<boolean>, description: string) {
    const total: DeliveryReport = { sent: 0, retried: 0, dead: 0 };
    await sink.waitFor(async () => {
      const report = await delivery.deliverDue();
      total.sent += report.sent;
      total.retried += report.retried;
      total.dead += report.dead;
      return done();
    }, description);
    return total;
  }

  it('retries while the SMTP server is down and delivers exactly once when it is back', async () => {
    const { inst, students } = await scheduled(['Ada Byron']);
    const [ada] = students;
    sink.failNext(3, 'refuse');

    const total = await deliverUntil(
      async () => sink.messagesTo(ada.email).length > 0,
      'the digest after the outage',
    );
    expect(total).toEqual({ sent: 1, retried: 3, dead: 0 });
    expect(sink.attempts.map((a) => a.outcome)).toEqual([
      'refused',
      'refused',
      'refused',
      'accepted',
    ]);
    expect(sink.messagesTo(ada.email)).toHaveLength(1);
    const [row] = await outbox(inst.tenantId);
    expect(row).toMatchObject({ status: 'sent', attempts: 4, last_error: null });

    // Nothing is left to send.
    expect(await delivery.deliverDue()).toEqual({ sent: 0, retried: 0, dead: 0 });
    expect(sink.messages).toHaveLength(1);
    expect((await eventTypes(inst.tenantId)).map((e) => e.type)).toEqual([
      'DigestScheduled',
      'DigestSent',
    ]);
  });

  it('backs off exponentially between attempts', async () => {
    // A second worker on the same database whose retry delay is long enough to measure.
    const slow = await startWorker({ ...DIGEST, retryBaseMs: 60_000 });
    try {
      const { inst, students } = await scheduled(['Grace Hopper']);
      const worker = slow.get(DigestDelivery);
      sink.failNext(Infinity, 'tempfail');

      const attempt = async (n: number) => {
        const before = Date.now();
        expect(await worker.deliverDue()).toEqual({ sent: 0, retried: 1, dead: 0 });
        const after = Date.now();
        const [row] = await outbox(inst.tenantId);
        expect(row).toMatchObject({ status: 'pending', attempts: n });
        expect(row.last_error).toMatch(/421/);
        const delay = 60_000 * 2 ** (n - 1);
        expect(row.next_attempt_at.getTime()).toBeGreaterThanOrEqual(before + delay);
        expect(row.next_attempt_at.getTime()).toBeLessThanOrEqual(after + delay);
        // Not due before then: another run does not try again.
        expect(await worker.deliverDue()).toEqual({ sent: 0, retried: 0, dead: 0 });
        expect(sink.attempts).toHaveLength(n);
        // Let the clock "pass" the retry time.
        await t.db.app.database.withTenant(inst.tenantId, (tx) =>
          tx.execute(`UPDATE outbox SET next_attempt_at = now() WHERE tenant_id = $1`, [
            tx.tenantId,
          ]),
        );
      };
      await attempt(1);
      await attempt(2);
      await attempt(3);

      sink.recover();
      expect(await worker.deliverDue()).toEqual({ sent: 1, retried: 0, dead: 0 });
      expect(sink.messagesTo(students[0].email)).toHaveLength(1);
    } finally {
      await slow.close();
    }
  });

  it('marks a permanently refused address dead after one attempt; admins see it and can resend', async () => {
    const { inst, students, week: isoWeek } = await scheduled(['Alan Turing', 'Barbara Liskov']);
    const [alan, barbara] = students;
    sink.reject(alan.email);

    expect(await delivery.deliverDue()).toEqual({ sent: 1, retried: 0, dead: 1 });
    expect(sink.attemptsFor(alan.email)).toHaveLength(1);
    expect(sink.messagesTo(alan.email)).toHaveLength(0);
    expect(sink.messagesTo(barbara.email)).toHaveLength(1);
    // Dead is final: no further attempt.
    expect(await delivery.deliverDue()).toEqual({ sent: 0, retried: 0, dead: 0 });
    expect(sink.attemptsFor(alan.email)).toHaveLength(1);

    const [run] = ok(await graphql(t.app, inst.adminToken, RUNS)).digestRuns;
    expect(run).toMatchObject({ week: isoWeek, scheduled: 2, sent: 1, pending: 0, dead: 1 });
    expect(run.deadMessages).toEqual([
      {
        messageId: expect.any(String),
        recipientKind: 'student',
        recipientId: alan.studentId,
        to: alan.email,
        attempts: 1,
        lastError: expect.stringMatching(/550/),
      },
    ]);
    const messageId: string = run.deadMessages[0].messageId;
    // Only admins see the runs and resend.
    const advisor = await inst.advisorToken('advisor-kim');
    expect(errorCode(await graphql(t.app, advisor, RUNS))).toBe('FORBIDDEN');
    expect(errorCode(await graphql(t.app, advisor, RESEND, { id: messageId }))).toBe('FORBIDDEN');

    // Resent while the address still refuses: it dies again after one more attempt.
    const resent = ok(await graphql(t.app, inst.adminToken, RESEND, { id: messageId }));
    expect(resent.resendDigest).toMatchObject({ messageId, to: alan.email, attempts: 0 });
    const [pending] = (await graphql(t.app, inst.adminToken, RUNS)).data!.digestRuns;
    expect(pending).toMatchObject({ pending: 1, dead: 0 });
    // Only a dead message can be resent.
    expect(errorCode(await graphql(t.app, inst.adminToken, RESEND, { id: messageId }))).toBe(
      'NOT_FOUND',
    );
    expect(await delivery.deliverDue()).toEqual({ sent: 0, retried: 0, dead: 1 });
    expect(sink.attemptsFor(alan.email)).toHaveLength(2);

    // Resent once the mailbox works again: delivered, once.
    sink.accept(alan.email);
    ok(await graphql(t.app, inst.adminToken, RESEND, { id: messageId }));
    expect(await delivery.deliverDue()).toEqual({ sent: 1, retried: 0, dead: 0 });
    expect(sink.messagesTo(alan.email)).toHaveLength(1);
    expect(sink.messagesTo(alan.email)[0].messageId).toBe(`<${messageId}@rapport>`);
    const [after] = ok(await graphql(t.app, inst.adminToken, RUNS)).digestRuns;
    expect(after).toMatchObject({ scheduled: 2, sent: 2, dead: 0, deadMessages: [] });
    expect(
      (await eventTypes(inst.tenantId))
        .filter((e) => e.stream_id === `digest-student-${alan.studentId}`)
        .map((e) => e.type),
    ).toEqual(['DigestScheduled', 'DigestDead', 'DigestDead', 'DigestSent']);
  });

  it('gives up after maxAttempts temporary failures', async () => {
    const { inst, students } = await scheduled(['Edsger Dijkstra']);
    sink.failNext(Infinity, 'tempfail');

    const total = await deliverUntil(
      async () => (await outbox(inst.tenantId))[0].status === 'dead',
      'the message to die',
    );
    expect(total).toEqual({ sent: 0, retried: DIGEST.maxAttempts - 1, dead: 1 });
    expect(sink.attempts).toHaveLength(DIGEST.maxAttempts);
    expect(sink.attempts.every((a) => a.outcome === 'tempfailed')).toBe(true);
    const [row] = await outbox(inst.tenantId);
    expect(row).toMatchObject({ status: 'dead', attempts: DIGEST.maxAttempts });
    expect(row.last_error).toMatch(/421/);

    // Dead stays dead, even once the server is back.
    sink.recover();
    expect(await delivery.deliverDue()).toEqual({ sent: 0, retried: 0, dead: 0 });
    expect(sink.attempts).toHaveLength(DIGEST.maxAttempts);
    const [run] = ok(await graphql(t.app, inst.adminToken, RUNS)).digestRuns;
    expect(run).toMatchObject({ dead: 1, sent: 0 });
    expect(run.deadMessages).toEqual([
      expect.objectContaining({ to: students[0].email, attempts: DIGEST.maxAttempts }),
    ]);
  });

  const names = (n: number, prefix: string) =>
    Array.from({ length: n }, (_, i) => `${prefix} ${String.fromCharCode(65 + i)}`);

  it('sends at most sendConcurrency messages at once, each sender reusing one connection', async () => {
    const worker = await startWorker({ ...DIGEST, sendConcurrency: 3 });
    try {
      const { inst, students } = await scheduled(names(10, 'Bounded'));
      sink.hold();
      const run = worker.get(DigestDelivery).deliverDue();
      await sink.waitFor(() => sink.inFlight === 3, 'three messages awaiting the reply');
      sink.release();
      expect(await run).toEqual({ sent: 10, retried: 0, dead: 0 });

      expect(sink.maxInFlight).toBe(3);
      expect(sink.connections).toBe(3);
      for (const s of students) expect(sink.messagesTo(s.email)).toHaveLength(1);
      expect((await outbox(inst.tenantId)).map((r) => [r.status, r.attempts])).toEqual(
        students.map(() => ['sent', 1]),
      );
    } finally {
      await worker.close();
    }
  });

  it('marks messages accepted together as sent in one transaction, each with its event', async () => {
    const { inst, students } = await scheduled(names(6, 'Batch'));
    sink.hold();
    const run = delivery.deliverDue();
    await sink.waitFor(() => sink.inFlight === 6, 'all six messages awaiting the reply');
    sink.release();
    expect(await run).toEqual({ sent: 6, retried: 0, dead: 0 });

    const sent = await t.db.app.database.withTenant(inst.tenantId, (tx) =>
      tx.query<{ stream_id: string; transaction_id: string }>(
        `SELECT stream_id, transaction_id::text FROM events
          WHERE tenant_id = $1 AND type = 'DigestSent' ORDER BY stream_id`,
        [tx.tenantId],
      ),
    );
    expect(sent.map((e) => e.stream_id).sort()).toEqual(
      students.map((s) => `digest-student-${s.studentId}`).sort(),
    );
    // One marking transaction per message would make six.
    expect(new Set(sent.map((e) => e.transaction_id)).size).toBeLessThan(students.length);
    expect((await outbox(inst.tenantId)).every((r) => r.status === 'sent')).toBe(true);
  });

  it('under concurrency, one 550 among many successes makes exactly that message dead', async () => {
    const { inst, students } = await scheduled(names(8, 'Mixed'));
    const refused = students[3];
    sink.reject(refused.email);

    expect(await delivery.deliverDue()).toEqual({ sent: 7, retried: 0, dead: 1 });
    expect(sink.attemptsFor(refused.email)).toHaveLength(1);
    for (const s of students) expect(sink.messagesTo(s.email)).toHaveLength(s === refused ? 0 : 1);
    const rows = await outbox(inst.tenantId);
    for (const row of rows) {
      if (row.to_address === refused.email) {
        expect(row).toMatchObject({ status: 'dead', attempts: 1 });
        expect(row.last_error).toMatch(/550/);
      } else {
        expect(row).toMatchObject({ status: 'sent', attempts: 1, last_error: null });
      }
    }
    const events = (await eventTypes(inst.tenantId)).filter((e) => e.type !== 'DigestScheduled');
    expect(events.filter((e) => e.type === 'DigestDead')).toEqual([
      { type: 'DigestDead', stream_id: `digest-student-${refused.studentId}` },
    ]);
    expect(events.filter((e) => e.type === 'DigestSent')).toHaveLength(7);
  });

  it('retries the messages whose connection dropped mid-batch and marks sent only what was accepted', async () => {
    // Retries far enough out that this run does not pick them up again.
    const worker = await startWorker({ ...DIGEST, retryBaseMs: 60_000 });
    try {
      const { inst, students } = await scheduled(names(8, 'Dropped'));
      sink.dropNext(2);
      expect(await worker.get(DigestDelivery).deliverDue()).toEqual({
        sent: 6,
        retried: 2,
        dead: 0,
      });

      expect(sink.attempts.filter((a) => a.outcome === 'dropped')).toHaveLength(2);
      const accepted = new Set(sink.messages.flatMap((m) => m.to));
      expect(accepted.size).toBe(6);
      const rows = await outbox(inst.tenantId);
      // Sent is exactly what the server accepted; the rest waits for its retry.
      expect(rows.filter((r) => r.status === 'sent').map((r) => r.to_address)).toEqual(
        rows.filter((r) => accepted.has(r.to_address)).map((r) => r.to_address),
      );
      const retrying = rows.filter((r) => !accepted.has(r.to_address));
      expect(retrying).toHaveLength(2);
      for (const row of retrying) {
        expect(row).toMatchObject({ status: 'pending', attempts: 1 });
        expect(row.last_error).toMatch(/closed/i);
      }
      expect((await eventTypes(inst.tenantId)).filter((e) => e.type === 'DigestSent')).toHaveLength(
        6,
      );

      // Once due, they go out; everyone got exactly one message.
      await t.db.app.database.withTenant(inst.tenantId, (tx) =>
        tx.execute(`UPDATE outbox SET next_attempt_at = now() WHERE tenant_id = $1`, [tx.tenantId]),
      );
      expect(await worker.get(DigestDelivery).deliverDue()).toEqual({
        sent: 2,
        retried: 0,
        dead: 0,
      });
      for (const s of students) expect(sink.messagesTo(s.email)).toHaveLength(1);
      expect((await outbox(inst.tenantId)).map((r) => [r.status, r.attempts])).toEqual(
        rows.map((r) => ['sent', accepted.has(r.to_address) ? 1 : 2]),
      );
    } finally {
      await worker.close();
    }
  });

  it('answers an invalid or tampered unsubscribe token with 400 and changes nothing', async () => {
    const { inst, students, monday } = await scheduled(['Ken Thompson', 'Dennis Ritchie']);
    const [ken, dennis] = students;
    expect((await delivery.deliverDue()).sent).toBe(2);
    const header = sink.messagesTo(ken.email)[0].headers['list-unsubscribe'];
    const url = new URL(header.slice(1, -1));
    const token = url.searchParams.get('token')!;
    const [body, mac] = token.split('.');

    const flipped = `${mac.slice(0, 10)}${mac[10] === 'A' ? 'B' : 'A'}${mac.slice(11)}`;
    const otherStudent = signUnsubscribeToken(
      { tenantId: inst.tenantId, recipientId: dennis.studentId, kind: 'student' },
      TEST_UNSUBSCRIBE_SECRET,
    ).split('.')[0];
    const forgedWithOtherKey = signUnsubscribeToken(
      { tenantId: inst.tenantId, recipientId: ken.studentId, kind: 'student' },
      'some-other-secret-of-enough-length',
    );
    const invalid = [
      `${body}.${flipped}`, // altered signature
      `${otherStudent}.${mac}`, // someone else's payload under Ken's signature
      forgedWithOtherKey,
      `${token}x`,
      'not-a-token',
      '',
    ];
    const server = t.app.getHttpServer();
    for (const bad of invalid) {
      const response = await request(server)
        .post(`/unsubscribe?token=${encodeURIComponent(bad)}`)
        .type('form')
        .send('List-Unsubscribe=One-Click');
      expect([bad, response.status]).toEqual([bad, 400]);
      expect([bad, response.headers['content-type']]).toEqual([
        bad,
        expect.stringMatching(/^application\/json/),
      ]);
      expect(response.body).toMatchObject({ error: { code: 'BAD_USER_INPUT' } });
    }
    const missing = await request(server).post('/unsubscribe');
    expect(missing.status).toBe(400);
    expect(missing.headers['content-type']).toMatch(/^application\/json/);
    expect(missing.body).toMatchObject({ error: { code: 'BAD_USER_INPUT' } });

    // Nothing changed: both still weekly, no opt-out, no event, and next week's digests go out.
    const preference = async (studentId: string) =>
      ok(
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
          { id: studentId },
        ),
      ).student.digestPreference;
    expect(await preference(ken.studentId)).toBe('weekly');
    expect(await preference(dennis.studentId)).toBe('weekly');
    const changes = await t.db.app.database.withTenant(inst.tenantId, (tx) =>
      tx.query(
        `SELECT type FROM events WHERE tenant_id = $1
            AND type IN ('DigestPreferenceSet', 'DigestUnsubscribed')
         UNION ALL SELECT recipient_id FROM digest_optouts WHERE tenant_id = $1`,
        [tx.tenantId],
      ),
    );
    expect(changes).toEqual([]);
    sink.reset();
    const nextWeek = new Date(monday.getTime() + 7 * 86_400_000);
    expect(await t.app.get(DigestScheduler).runIfDue(inst.tenantId, nextWeek)).toBe(2);
    expect((await delivery.deliverDue()).sent).toBe(2);
    expect(sink.messagesTo(ken.email)).toHaveLength(1);

    // The genuine link still works (so the refusals above were about the token), here posted
    // as multipart/form-data, which RFC 8058 allows too.
    const genuine = await request(server)
      .post(`${url.pathname}${url.search}`)
      .field('List-Unsubscribe', 'One-Click');
    expect(genuine.status).toBe(200);
    expect(await preference(ken.studentId)).toBe('off');
    expect(await preference(dennis.studentId)).toBe('weekly');
  });

  async function startWorker(digest: DigestConfig): Promise<INestApplication> {
    return startInstance(t.db, { mail: testMail(sink.url), digest });
  }
});
