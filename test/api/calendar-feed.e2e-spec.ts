import type { INestApplication } from '@nestjs/common';
import { signCalendarFeedToken } from '@rapport/notifications';
import ICAL from 'ical.js';
import { Writable } from 'node:stream';
import request from 'supertest';
import { enrolledStudents, newInstitution, newStaff } from '../support/builders';
import { errorCode, graphql, ok } from '../support/graphql';
import { caughtUp } from '../support/projections';
import {
  startInstance,
  startTestApp,
  TEST_JWT_SECRET,
  TEST_UNSUBSCRIBE_SECRET,
  type TestApp,
} from '../support/test-app';

const FEED = `query($id: ID!) { student(id: $id) { calendarFeed { url renewedAt } } }`;
const RENEW = `mutation($input: CalendarFeedInput) {
  renewCalendarFeed(input: $input) { clientMutationId calendarFeed { url renewedAt } } }`;
const REVOKE = `mutation { revokeCalendarFeed { revoked } }`;
const ADD_CONTACT = `mutation($input: AddContactInput!) { addContact(input: $input) { contact { id } } }`;

/** Collects the app's JSON log lines. */
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

/** The feed's path on this server (the URL's origin is APP_URL). */
const pathOf = (url: string) => new URL(url).pathname;

/** Parses with Mozilla's ical.js, an implementation independent of the generator. */
function parse(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  for (const zone of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(zone);
  return { calendar, vevents: calendar.getAllSubcomponents('vevent') };
}

describe('calendar feed', () => {
  const sink = logSink();
  let t: TestApp;
  let inst: Awaited<ReturnType<typeof newInstitution>>;
  let cohortId: string;
  let student: string;
  let other: string;
  let studentToken: string;
  const year = new Date().getUTCFullYear() + 1;

  const server = () => t.app.getHttpServer();
  const get = (url: string, app: INestApplication = t.app) =>
    request(app.getHttpServer()).get(url.startsWith('/') ? url : pathOf(url));

  async function run(name: string, input: Record<string, unknown>, token = studentToken) {
    const type = `${name[0].toUpperCase()}${name.slice(1)}Input`;
    return ok(
      await graphql(
        t.app,
        token,
        `mutation($input: ${type}!) { ${name}(input: $input) { interview { id } } }`,
        { input },
      ),
    )[name].interview.id as string;
  }

  async function contact(name: string, token = studentToken): Promise<string> {
    return ok(
      await graphql(t.app, token, ADD_CONTACT, {
        input: {
          name,
          email: `${name.split(' ')[0].toLowerCase()}@example.org`,
          relationship: 'acquaintance',
        },
      }),
    ).addContact.contact.id;
  }

  async function scheduled(name: string, input: Record<string, unknown>, token = studentToken) {
    const contactId = await contact(name, token);
    const interviewId = await run(
      'sendInterviewRequest',
      { contactId, channel: 'email', proposedFormats: ['video'] },
      token,
    );
    await run('scheduleInterview', { interviewId, ...input }, token);
    return interviewId;
  }

  async function renew(token = studentToken, clientMutationId?: string) {
    return ok(
      await graphql(t.app, token, RENEW, clientMutationId ? { input: { clientMutationId } } : {}),
    ).renewCalendarFeed.calendarFeed as { url: string; renewedAt: string };
  }

  beforeAll(async () => {
    t = await startTestApp({ log: { level: 'info', destination: sink.stream } });
    inst = await newInstitution(t, { timeZone: 'America/Chicago' });
    ({
      cohortId,
      studentIds: [student, other],
    } = await enrolledStudents(t, inst.adminToken, [
      { name: 'Ada Student', email: 'ada.student@example.edu' },
      { name: 'Other Student', email: 'other.student@example.edu' },
    ]));
    studentToken = await inst.studentToken(student);
  });
  afterAll(() => t.close());

  it('serves scheduled interviews and due dates that an independent parser reads correctly', async () => {
    // 14:00 CDT (UTC-5) in July; 09:00 CST (UTC-6) in January, then moved to 10:30.
    const video = await scheduled('Dana Lee', {
      scheduledFor: `${year}-07-15T19:00:00.000Z`,
      durationMinutes: 45,
      format: 'video',
      meetingLink: 'https://meet.example.com/dana-lee',
    });
    const visit = await scheduled('Sam Ortiz', {
      scheduledFor: `${year}-01-20T15:00:00.000Z`,
      durationMinutes: 30,
      format: 'in_person',
      location: 'City Hospital, 5 Main St',
    });
    await run('rescheduleInterview', {
      interviewId: visit,
      scheduledFor: `${year}-01-21T16:30:00.000Z`,
      requestedBy: 'contact',
    });
    const called = await scheduled('Lee Park', {
      scheduledFor: `${year}-03-02T16:00:00.000Z`,
      durationMinutes: 30,
      format: 'phone',
    });
    await run('cancelInterview', { interviewId: called, cancelledBy: 'contact' });
    // Held yesterday: the thank-you is owed, due within the institution's window.
    const held = await run('recordInterviewHeld', {
      contactId: await contact('Robin Hale'),
      heldAt: new Date(Date.now() - 86_400_000).toISOString(),
      format: 'coffee',
    });
    await caughtUp(t.app);

    const feed = await renew();
    const response = await get(feed.url).expect(200);
    expect(response.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(response.headers['cache-control']).toBe('private, no-store');
    expect(response.headers['referrer-policy']).toBe('no-referrer');

    const { calendar, vevents } = parse(response.text);
    expect(calendar.name).toBe('vcalendar');
    expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
    expect(calendar.getFirstPropertyValue('prodid')).toBeTruthy();
    expect(calendar.getFirstPropertyValue('x-wr-calname')).toMatch(/Rapport/);
    expect(response.text).toMatch(/\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n/);
    expect(calendar.getFirstSubcomponent('vtimezone')?.getFirstPropertyValue('tzid')).toBe(
      'America/Chicago',
    );
    for (const vevent of vevents) {
      expect(vevent.getFirstPropertyValue('uid')).toBeTruthy();
      const stamp = vevent.getFirstPropertyValue('dtstamp') as ICAL.Time;
      // DTSTAMP must be UTC (RFC 5545, 3.8.7.2).
      expect(stamp.zone?.tzid).toBe('UTC');
      expect(vevent.getFirstPropertyValue('dtstart')).toBeTruthy();
    }
    const byUid = new Map(
      vevents.map((v) => [String(v.getFirstPropertyValue('uid')), new ICAL.Event(v)]),
    );
    const interview = (id: string) => byUid.get(`interview-${id}@calendar.rapport`)!;

    const dana = interview(video);
    expect(dana.startDate.zone?.tzid).toBe('America/Chicago');
    expect(dana.startDate.toString()).toBe(`${year}-07-15T14:00:00`);
    expect(dana.startDate.toJSDate().toISOString()).toBe(`${year}-07-15T19:00:00.000Z`);
    expect(dana.endDate.toJSDate().toISOString()).toBe(`${year}-07-15T19:45:00.000Z`);
    expect(dana.summary).toBe('Informational interview with Dana Lee');
    expect(dana.location).toBe('https://meet.example.com/dana-lee');
    expect(dana.component.getFirstPropertyValue('status')).toBe('CONFIRMED');

    const sam = interview(visit);
    expect(sam.startDate.toString()).toBe(`${year}-01-21T10:30:00`);
    expect(sam.startDate.toJSDate().toISOString()).toBe(`${year}-01-21T16:30:00.000Z`);
    expect(sam.location).toBe('City Hospital, 5 Main St');
    expect(sam.sequence).toBe(1);

    expect(interview(called).component.getFirstPropertyValue('status')).toBe('CANCELLED');

    const due = vevents
      .map((v) => new ICAL.Event(v))
      .find((e) => e.summary === 'Due: send your thank-you to Robin Hale')!;
    expect(due).toBeDefined();
    expect(due.startDate.isDate).toBe(true);
    expect(due.component.getFirstPropertyValue('url')).toBe('https://rapport.test/me');
    expect(due.description).toContain('https://rapport.test/me');
    // The held interview's thank-you, as GraphQL followUps lists it.
    const followUps = ok(
      await graphql(
        t.app,
        studentToken,
        `
          query ($id: ID!) {
            student(id: $id) {
              followUps {
                kind
                dueAt
                interviewId
              }
            }
          }
        `,
        { id: student },
      ),
    ).student.followUps as { kind: string; dueAt: string; interviewId?: string }[];
    const thankYou = followUps.find((f) => f.kind === 'thank_you' && f.interviewId === held)!;
    expect(due.startDate.toString()).toBe(
      new Date(thankYou.dueAt).toLocaleDateString('en-CA', { timeZone: 'America/Chicago' }),
    );

    // The same render again gives the same UIDs (calendar apps update in place).
    const again = parse((await get(feed.url).expect(200)).text).vevents.map((v) =>
      v.getFirstPropertyValue('uid'),
    );
    expect(new Set(again)).toEqual(new Set(byUid.keys()));
  });

  it('shows the URL to the student only, never to an admin or their advisor', async () => {
    const feed = await renew();
    const mine = ok(await graphql(t.app, studentToken, FEED, { id: student })).student;
    expect(mine.calendarFeed).toEqual(feed);

    const advisor = await newStaff(t, inst.adminToken);
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
    for (const token of [inst.adminToken, advisor.token]) {
      expect(
        ok(await graphql(t.app, token, FEED, { id: student })).student.calendarFeed,
      ).toBeNull();
      expect(errorCode(await graphql(t.app, token, RENEW))).toBe('FORBIDDEN');
      expect(errorCode(await graphql(t.app, token, REVOKE))).toBe('FORBIDDEN');
    }
  });

  it('renewing kills the old URL; revoking kills every URL', async () => {
    const first = await renew();
    await get(first.url).expect(200);
    const second = await renew();
    expect(second.url).not.toBe(first.url);
    const gone = await get(first.url).expect(404);
    expect(gone.text).toBe('Not Found');
    await get(second.url).expect(200);

    expect(ok(await graphql(t.app, studentToken, REVOKE)).revokeCalendarFeed.revoked).toBe(true);
    await get(first.url).expect(404);
    await get(second.url).expect(404);
    expect(
      ok(await graphql(t.app, studentToken, FEED, { id: student })).student.calendarFeed,
    ).toBeNull();
    // Revoking again records nothing more.
    ok(await graphql(t.app, studentToken, REVOKE));
    const third = await renew();
    await get(third.url).expect(200);
  });

  it('a retried renewal (same clientMutationId) returns the same URL', async () => {
    const a = await renew(studentToken, 'renew-retry-1');
    const b = await renew(studentToken, 'renew-retry-1');
    expect(b.url).toBe(a.url);
    await get(a.url).expect(200);
  });

  it('answers a bare 404 to tampered, forged or malformed tokens', async () => {
    const { url } = await renew();
    const token = decodeURIComponent(pathOf(url).slice('/calendar/'.length, -'.ics'.length));
    const [body, mac] = token.split('.');
    const flipped = `${mac.slice(0, -2)}${mac.at(-2) === 'A' ? 'B' : 'A'}${mac.at(-1)}`;
    const otherBody = signCalendarFeedToken(
      { tenantId: inst.tenantId, studentId: other, feedId: 'feed-guess' },
      'not-the-secret-not-the-secret',
    );
    for (const path of [
      `/calendar/${body}.${flipped}.ics`,
      `/calendar/${otherBody}.ics`,
      `/calendar/${body}.ics`,
      `/calendar/${token}`,
      `/calendar/${token}.ical`,
      '/calendar/x.ics',
    ]) {
      const response = await get(path);
      expect(response.status).toBe(404);
      expect(response.text).toBe('Not Found');
      expect(response.headers['cache-control']).toBe('private, no-store');
    }
    // Well signed, but naming a feed the student never had.
    const forged = signCalendarFeedToken(
      { tenantId: inst.tenantId, studentId: student, feedId: 'feed-never-issued' },
      TEST_UNSUBSCRIBE_SECRET,
    );
    await get(`/calendar/${forged}.ics`).expect(404);
  });

  it("does not serve another institution's student under this institution", async () => {
    const elsewhere = await newInstitution(t);
    const {
      studentIds: [theirs],
    } = await enrolledStudents(t, elsewhere.adminToken, [
      { name: 'Bea Elsewhere', email: 'bea@elsewhere.edu' },
    ]);
    const theirToken = await elsewhere.studentToken(theirs);
    await scheduled(
      'Kim Secret',
      { scheduledFor: `${year}-05-05T15:00:00.000Z`, durationMinutes: 30, format: 'phone' },
      theirToken,
    );
    const { url } = await renew(theirToken);
    const feedText = (await get(url).expect(200)).text;
    expect(feedText).toContain('Kim Secret');
    const [, , feedId] = JSON.parse(
      Buffer.from(pathOf(url).split('/')[2].split('.')[0], 'base64url').toString(),
    ) as string[];
    // Their student and feed ids, signed with the real secret, but bound to this institution.
    const crossed = signCalendarFeedToken(
      { tenantId: inst.tenantId, studentId: theirs, feedId },
      TEST_UNSUBSCRIBE_SECRET,
    );
    const response = await get(`/calendar/${crossed}.ics`);
    expect(response.status).toBe(404);
    expect(response.text).not.toContain('Kim Secret');
  });

  it("keeps a withdrawn student's feed valid but empty", async () => {
    const {
      cohortId: theirCohort,
      studentIds: [leaving],
    } = await enrolledStudents(t, inst.adminToken, [
      { name: 'Lou Leaving', email: 'lou@example.edu' },
    ]);
    const token = await inst.studentToken(leaving);
    await scheduled(
      'Pat Former',
      { scheduledFor: `${year}-04-01T15:00:00.000Z`, durationMinutes: 30, format: 'phone' },
      token,
    );
    const { url } = await renew(token);
    expect(parse((await get(url).expect(200)).text).vevents).toHaveLength(1);
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
        { c: theirCohort, s: leaving },
      ),
    );
    const response = await get(url).expect(200);
    expect(response.text).not.toContain('Pat Former');
    expect(parse(response.text).vevents).toHaveLength(0);
    // They can still turn it off, but not make a new one.
    expect(errorCode(await graphql(t.app, token, RENEW))).toBe('FORBIDDEN');
    ok(await graphql(t.app, token, REVOKE));
    await get(url).expect(404);
  });

  it('keeps names and addresses out of the URL, the events, their metadata and the logs', async () => {
    const { url } = await renew();
    await get(url).expect(200);
    await get(`${pathOf(url)}x`).expect(404);
    const secrets = ['Ada Student', 'ada.student', 'Dana Lee', 'dana@example.org', 'Robin Hale'];
    const token = pathOf(url)
      .split('/')[2]
      .replace(/\.ics$/, '');
    const payload = Buffer.from(token.split('.')[0], 'base64url').toString();
    expect(JSON.parse(payload)).toEqual([inst.tenantId, student, expect.any(String)]);

    const rows = await t.db.owner.database.withTenant(inst.tenantId, (tx) =>
      tx.query<{ stream_id: string; data: unknown; metadata: unknown }>(
        `SELECT stream_id, data, metadata FROM events WHERE type IN ('CalendarFeedRenewed', 'CalendarFeedRevoked')`,
      ),
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      // The student's own stream, named by their id only.
      expect(row.stream_id).toMatch(/^student-[0-9a-f-]{36}$/);
      expect(Object.keys(row.data as object).sort()).toEqual(
        Object.keys(row.data as object).includes('feedId')
          ? ['at', 'feedId', 'studentId']
          : ['at', 'studentId'],
      );
    }
    const logs = sink.text();
    expect(logs).toContain('"path":"/calendar/:token.ics"');
    for (const text of [url, token, ...secrets]) {
      expect(JSON.stringify(rows)).not.toContain(text);
      expect(logs).not.toContain(text);
    }
  });

  it('rate limits feed requests per address, forged ones included', async () => {
    const app = await startInstance(t.db, {
      rateLimit: {
        enabled: true,
        userOpsPerMinute: 100_000,
        tenantOpsPerMinute: 100_000,
        publicPerMinute: 3,
      },
      auth: { secret: TEST_JWT_SECRET },
    });
    try {
      for (let i = 0; i < 3; i++) await get('/calendar/forged.ics', app).expect(404);
      const refused = await get('/calendar/forged.ics', app);
      expect(refused.status).toBe(429);
      expect(refused.body.error.code).toBe('RATE_LIMITED');
    } finally {
      await app.close();
    }
  });

  it('does not need (or use) a session: a bearer token changes nothing', async () => {
    const { url } = await renew();
    const anonymous = await get(url).expect(200);
    const withToken = await request(server())
      .get(pathOf(url))
      .set('Authorization', `Bearer ${inst.adminToken}`)
      .expect(200);
    expect(withToken.text.replace(/DTSTAMP:\d+T\d+Z/g, '')).toBe(
      anonymous.text.replace(/DTSTAMP:\d+T\d+Z/g, ''),
    );
  });
});
