import { EventStore, START } from '@rapport/event-store';
import { type DomainCommand, registerStudentOnEnrollment } from '@rapport/domain';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import request from 'supertest';
import type { Actor } from '../../apps/api/src/auth/actor';
import { DigestDelivery } from '../../apps/api/src/digest/digest-delivery.service';
import { DigestScheduler } from '../../apps/api/src/digest/digest-scheduler.service';
import { EmailChangeService } from '../../apps/api/src/email-change/email-change.service';
import { CommandExecutor } from '../../apps/api/src/write/command-executor';
import { newInstitution } from '../support/builders';
import { errorCode, graphql, ok } from '../support/graphql';
import { caughtUp } from '../support/projections';
import { SmtpSink } from '../support/smtp-sink';
import { startTestApp, testMail, type TestApp } from '../support/test-app';

/** Collects every line the app logs, at every level. */
function logSink() {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

const UPDATE = `
  mutation ($input: UpdateStudentProfileInput!) {
    updateStudentProfile(input: $input) { student { id name email pendingEmail } }
  }
`;
const STUDENT = `
  query ($id: ID!) { student(id: $id) { email pendingEmail } }
`;

// Mondays 08:05 in Chicago: the digest slot of two consecutive weeks.
const WEEK_49 = { week: '2026-W49', now: new Date('2026-11-30T14:05:00Z') };
const WEEK_50 = { week: '2026-W50', now: new Date('2026-12-07T14:05:00Z') };
const HOUR = 3_600_000;

describe('verified email changes', () => {
  const logs = logSink();
  let t: TestApp;
  let sink: SmtpSink;
  let inst: Awaited<ReturnType<typeof newInstitution>>;
  let cohortId: string;
  /** Every address a change was requested for: none may reach metadata, stream ids or logs. */
  const requestedAddresses: string[] = [];

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({
      mail: testMail(sink.url),
      log: { level: 'trace', destination: logs.stream },
    });
    inst = await newInstitution(t, { timeZone: 'America/Chicago' });
    cohortId = randomUUID();
    await run(admin(), { type: 'CreateCohort', data: cohortData(cohortId) });
    await run(admin(), {
      type: 'AssignAdvisor',
      data: { cohortId, advisorId: 'advisor@uni.test', at: '2026-11-02T15:00:00Z' },
    });
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });
  beforeEach(() => sink.reset());

  const admin = (): Actor => ({ subject: 'admin-test', tenantId: inst.tenantId, role: 'admin' });

  async function run(actor: Actor, command: DomainCommand) {
    const executor = t.app.get(CommandExecutor);
    return (
      await executor.execute({ actor, correlationId: randomUUID(), now: new Date() }, command)
    ).events;
  }

  function cohortData(id: string) {
    return {
      cohortId: id,
      name: 'Fall Explorers',
      term: 'Fall 2026',
      startDate: '2026-09-01',
      endDate: '2027-01-29',
      interviewTargetOverride: null,
      at: '2026-11-02T15:00:00Z',
    };
  }

  /** A student enrolled and registered the way a roster upload does it. */
  async function enrol(name: string) {
    const row = {
      studentId: randomUUID(),
      name,
      email: `${name.toLowerCase().replace(/\W+/g, '.')}.${randomUUID().slice(0, 6)}@students.test`,
    };
    const at = '2026-11-02T15:00:00Z';
    for (const event of await run(admin(), {
      type: 'EnrollStudents',
      data: { cohortId, rows: [row], at },
    }))
      if (event.type === 'StudentEnrolled') await run(admin(), registerStudentOnEnrollment(event));
    return { ...row, token: await inst.studentToken(row.studentId) };
  }

  async function requestChange(student: { token: string }, email: string) {
    requestedAddresses.push(email.toLowerCase());
    return ok(await graphql(t.app, student.token, UPDATE, { input: { email } }))
      .updateStudentProfile.student;
  }

  /** The confirmation link of the (one) confirmation message sent to `address`. */
  function confirmationLink(address: string): URL {
    const mails = sink.messagesTo(address).filter((m) => m.subject.includes('confirm'));
    expect(mails).toHaveLength(1);
    const [, url] = /Confirm this address: (\S+)/.exec(mails[0].text) ?? [];
    expect(url).toBeDefined();
    return new URL(url);
  }

  const tokenOf = (link: URL) => link.searchParams.get('token')!;
  const server = () => t.app.getHttpServer();
  const getPage = (token: string) =>
    request(server()).get(`/email-confirmations?token=${encodeURIComponent(token)}`);
  const postConfirm = (token: string) =>
    request(server()).post('/email-confirmations').type('form').send({ token });

  /** The student's events of one type, opened with their key (stored, `personal` is sealed). */
  async function eventsOf(studentId: string, type: string) {
    const events = await t.app.get(EventStore).readStream(inst.tenantId, `student-${studentId}`);
    return events
      .filter((e) => e.type === type)
      .map((e) => ({ data: e.data as Record<string, any> }));
  }

  async function digestsTo(address: string) {
    return sink.messagesTo(address).filter((m) => m.headers['x-rapport-digest']);
  }

  it('keeps digests on the enrolled address until the link sent to the new one is followed', async () => {
    const ava = await enrol('Ava Stone');
    const newAddress = `ava.new.${randomUUID().slice(0, 6)}@mail.test`;
    await caughtUp(t.app);

    // The request: the profile keeps the enrolled address, the new one only pending.
    expect(await requestChange(ava, newAddress.toUpperCase())).toEqual({
      id: ava.studentId,
      name: 'Ava Stone',
      email: ava.email,
      pendingEmail: newAddress,
    });
    // The student and admins see the pending address; her advisor does not.
    const advisor = await inst.advisorToken('advisor@uni.test');
    for (const [token, pendingEmail] of [
      [ava.token, newAddress],
      [inst.adminToken, newAddress],
      [advisor, null],
    ] as const) {
      expect(ok(await graphql(t.app, token, STUDENT, { id: ava.studentId })).student).toEqual({
        email: ava.email,
        pendingEmail,
      });
    }
    const roster = ok(
      await graphql(
        t.app,
        advisor,
        `
          query ($id: ID!) {
            cohort(id: $id) {
              students {
                edges {
                  node {
                    id
                    pendingEmail
                  }
                }
              }
            }
          }
        `,
        { id: cohortId },
      ),
    ).cohort.students.edges.map((e: any) => e.node);
    expect(roster).toContainEqual({ id: ava.studentId, pendingEmail: null });
    const csv = await request(server())
      .get(`/exports/cohorts/${cohortId}.csv`)
      .set('Authorization', `Bearer ${advisor}`)
      .expect(200);
    expect(csv.text).toContain(ava.email);
    expect(csv.text).not.toContain(newAddress);
    // The student's own data export is hers: it shows the pending address.
    const mine = await request(server())
      .get('/exports/me.json')
      .set('Authorization', `Bearer ${ava.token}`)
      .expect(200);
    expect(JSON.parse(mine.text).profile).toMatchObject({
      email: ava.email,
      pendingEmail: newAddress,
    });

    // This week's digest goes to the enrolled address; the confirmation to the new one, once.
    const scheduler = t.app.get(DigestScheduler);
    const delivery = t.app.get(DigestDelivery);
    await caughtUp(t.app);
    expect(await scheduler.runWeek(inst.tenantId, WEEK_49.week, WEEK_49.now)).toBeGreaterThan(0);
    await delivery.deliverDue();
    await delivery.deliverDue();
    expect(await digestsTo(ava.email)).toHaveLength(1);
    expect(await digestsTo(newAddress)).toHaveLength(0);
    const link = confirmationLink(newAddress);
    expect(`${link.origin}${link.pathname}`).toBe('https://rapport.test/email-confirmations');
    const [confirmation] = sink.messagesTo(newAddress);
    expect(confirmation.headers['list-unsubscribe']).toBeUndefined();
    expect(confirmation.html).toContain('Confirm your new email address');
    expect(sink.messagesTo(ava.email).filter((m) => m.subject.includes('confirm'))).toEqual([]);

    // GET shows a button and changes nothing (mail scanners prefetch links).
    const page = await getPage(tokenOf(link)).expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('<form method="post" action="/email-confirmations">');
    expect(page.text).toContain(newAddress);
    await getPage(tokenOf(link)).expect(200);
    expect(await eventsOf(ava.studentId, 'StudentEmailChanged')).toEqual([]);
    expect(ok(await graphql(t.app, ava.token, STUDENT, { id: ava.studentId })).student).toEqual({
      email: ava.email,
      pendingEmail: newAddress,
    });

    // POST confirms; the same link again (also twice at once) records nothing more.
    const confirmed = await postConfirm(tokenOf(link)).expect(200);
    expect(confirmed.text).toContain('Email address confirmed');
    const again = await Promise.all([postConfirm(tokenOf(link)), postConfirm(tokenOf(link))]);
    for (const response of again) {
      expect(response.status).toBe(200);
      expect(response.text).toContain('Already confirmed');
    }
    const changed = await eventsOf(ava.studentId, 'StudentEmailChanged');
    expect(changed).toHaveLength(1);
    expect(changed[0].data.personal).toEqual({ email: newAddress });
    expect((await getPage(tokenOf(link)).expect(200)).text).toContain('Already confirmed');
    expect(ok(await graphql(t.app, ava.token, STUDENT, { id: ava.studentId })).student).toEqual({
      email: newAddress,
      pendingEmail: null,
    });

    // Next week's digest goes to the confirmed address.
    sink.reset();
    await caughtUp(t.app);
    expect(await scheduler.runWeek(inst.tenantId, WEEK_50.week, WEEK_50.now)).toBeGreaterThan(0);
    await delivery.deliverDue();
    expect(await digestsTo(newAddress)).toHaveLength(1);
    expect(await digestsTo(ava.email)).toHaveLength(0);
  });

  it('answers a tampered token with a friendly 400 page and records nothing', async () => {
    const ben = await enrol('Ben Ortiz');
    const newAddress = `ben.new.${randomUUID().slice(0, 6)}@mail.test`;
    await requestChange(ben, newAddress);
    await t.app.get(DigestDelivery).deliverDue();
    const token = tokenOf(confirmationLink(newAddress));
    const [body, mac] = token.split('.');
    const flipped = (s: string, i: number) =>
      s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    // Another student's id under the same MAC, a changed MAC, and rubbish.
    const otherStudent = Buffer.from(
      JSON.stringify(
        (JSON.parse(Buffer.from(body, 'base64url').toString()) as unknown[]).map((v, i) =>
          i === 2 ? randomUUID() : v,
        ),
      ),
    ).toString('base64url');
    for (const bad of [`${otherStudent}.${mac}`, `${body}.${flipped(mac, 3)}`, 'nonsense', '']) {
      const get = await getPage(bad).expect(400);
      expect(get.text).toContain('This link is not valid');
      expect(get.text).not.toContain('<form');
      expect((await postConfirm(bad).expect(400)).text).toContain('This link is not valid');
    }
    await request(server()).post('/email-confirmations').expect(400);
    expect(await eventsOf(ben.studentId, 'StudentEmailChanged')).toEqual([]);
    expect(ok(await graphql(t.app, ben.token, STUDENT, { id: ben.studentId })).student).toEqual({
      email: ben.email,
      pendingEmail: newAddress,
    });
  });

  it('refuses an expired link, whatever the clock says when it is followed', async () => {
    const cara = await enrol('Cara Nguyen');
    const newAddress = `cara.new.${randomUUID().slice(0, 6)}@mail.test`;
    await requestChange(cara, newAddress);
    await t.app.get(DigestDelivery).deliverDue();
    const token = tokenOf(confirmationLink(newAddress));
    const [{ data }] = await eventsOf(cara.studentId, 'StudentEmailChangeRequested');
    const service = t.app.get(EmailChangeService);

    // The mailed link, followed 48 hours later.
    expect(await service.confirm(token, new Date(Date.now() + 48 * HOUR + 1000))).toEqual({
      status: 'expired',
    });
    // A link for the same request issued 49 hours ago, followed over HTTP now.
    const stale = new URL(
      service.confirmationUrl(
        { tenantId: inst.tenantId, studentId: cara.studentId, requestId: data.requestId },
        new Date(Date.now() - 49 * HOUR),
      ),
    ).searchParams.get('token')!;
    expect((await getPage(stale).expect(400)).text).toContain('This link has expired');
    expect((await postConfirm(stale).expect(400)).text).toContain('This link has expired');
    expect(await eventsOf(cara.studentId, 'StudentEmailChanged')).toEqual([]);

    // Within its 48 hours the mailed link still works.
    expect(await service.confirm(token, new Date(Date.now() + 47 * HOUR))).toEqual({
      status: 'confirmed',
    });
  });

  it('lets only the latest request be confirmed: a newer one supersedes the older link', async () => {
    const dan = await enrol('Dan Moss');
    const first = `dan.first.${randomUUID().slice(0, 6)}@mail.test`;
    const second = `dan.second.${randomUUID().slice(0, 6)}@mail.test`;
    await requestChange(dan, first);
    await requestChange(dan, second);
    // The same pending address again is no new request: no second message.
    await requestChange(dan, second);
    await t.app.get(DigestDelivery).deliverDue();
    const old = tokenOf(confirmationLink(first));
    const latest = tokenOf(confirmationLink(second));
    expect(await eventsOf(dan.studentId, 'StudentEmailChangeRequested')).toHaveLength(2);

    const stalePage = await getPage(old).expect(400);
    expect(stalePage.text).toContain('This link was replaced');
    expect(stalePage.text).not.toContain(first);
    expect((await postConfirm(old).expect(400)).text).toContain('This link was replaced');
    expect(await eventsOf(dan.studentId, 'StudentEmailChanged')).toEqual([]);
    expect(ok(await graphql(t.app, dan.token, STUDENT, { id: dan.studentId })).student).toEqual({
      email: dan.email,
      pendingEmail: second,
    });

    await postConfirm(latest).expect(200);
    // Still refused after the latest one was confirmed.
    expect((await postConfirm(old).expect(400)).text).toContain('This link was replaced');
    expect(ok(await graphql(t.app, dan.token, STUDENT, { id: dan.studentId })).student).toEqual({
      email: second,
      pendingEmail: null,
    });
  });

  it('changes the name at once, sends nothing for an unchanged email, and rejects a bad one', async () => {
    const eve = await enrol('Eve Marsh');
    const renamed = ok(
      await graphql(t.app, eve.token, UPDATE, {
        input: { name: 'Eve Marsh-Lind', email: eve.email.toUpperCase() },
      }),
    ).updateStudentProfile.student;
    expect(renamed).toMatchObject({ name: 'Eve Marsh-Lind', email: eve.email, pendingEmail: null });
    const bad = await graphql(t.app, eve.token, UPDATE, { input: { email: 'eve.bad@' } });
    expect(errorCode(bad)).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(bad.errors)).not.toContain('eve.bad');
    await t.app.get(DigestDelivery).deliverDue();
    expect(sink.messages).toEqual([]);
    expect(await eventsOf(eve.studentId, 'StudentEmailChangeRequested')).toEqual([]);
  });

  it('keeps requested addresses out of stream ids, event metadata, outbox bookkeeping and logs', async () => {
    expect(requestedAddresses.length).toBeGreaterThanOrEqual(5);
    const rows = await t.db.owner.database.withTenant(inst.tenantId, (tx) =>
      tx.query<{ stream_id: string; type: string; metadata: string; data: string }>(
        `SELECT stream_id, type, metadata::text AS metadata, data::text AS data
           FROM events WHERE tenant_id = $1`,
        [tx.tenantId],
      ),
    );
    // Stored, no event holds them: they are sealed inside `personal`…
    expect(rows.filter((r) => requestedAddresses.some((a) => r.data.includes(a)))).toEqual([]);
    // …and opened, the events that carry them hold them in `personal` only.
    const { events } = await t.app.get(EventStore).readTenant(inst.tenantId, START, 100_000);
    const carrying = events.filter((e) =>
      requestedAddresses.some((a) => JSON.stringify(e.data).includes(a)),
    );
    expect(new Set(carrying.map((e) => e.type))).toEqual(
      new Set(['StudentEmailChangeRequested', 'StudentEmailChanged']),
    );
    for (const event of carrying) {
      const { personal, ...rest } = event.data as Record<string, unknown>;
      expect(personal).toBeDefined();
      for (const address of requestedAddresses) expect(JSON.stringify(rest)).not.toContain(address);
    }
    for (const address of requestedAddresses) {
      for (const row of rows) {
        expect(row.stream_id.toLowerCase()).not.toContain(address);
        expect(row.metadata.toLowerCase()).not.toContain(address);
      }
      expect(logs.text().toLowerCase()).not.toContain(address);
    }
    // The log did see the traffic: the check above is not vacuous.
    expect(logs.text()).toContain('/email-confirmations');
  });
});
