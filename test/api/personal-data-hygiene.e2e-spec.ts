import { EventStore, START } from '@rapport/event-store';
import { NO_DIGEST, signWeekSignInToken } from '@rapport/notifications';
import { DateTime } from 'luxon';
import { Writable } from 'node:stream';
import request from 'supertest';
import { DigestDelivery } from '../../apps/api/src/digest/digest-delivery.service';
import { DigestScheduler } from '../../apps/api/src/digest/digest-scheduler.service';
import { StaffService } from '../../apps/api/src/staff/staff.service';
import { newInstitution, newStaff } from '../support/builders';
import { graphql, type GraphqlResult, ok } from '../support/graphql';
import { caughtUp } from '../support/projections';
import { SmtpSink } from '../support/smtp-sink';
import { startTestApp, testMail, TEST_UNSUBSCRIBE_SECRET, type TestApp } from '../support/test-app';

const ORIGIN = 'https://rapport.test';

/** Every byte the app logs, at the most verbose level. */
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

// The journey's people, written so that none can match anything else by chance.
const ZOE = { name: 'Zoë Quillfeather', email: 'zoe.quillfeather@students.test' };
const ZOE_NEW_EMAIL = 'zq.newaddress@mailbox.test';
const QUENTIN = { name: 'Quentin Marlowe-Bray', email: 'quentin.marlowebray@students.test' };
const CONTACT = { name: 'Dana Whitcombe', email: 'dana.whitcombe@hospital.test' };
const STAFF = { name: 'Priya Ramanathan', email: 'priya.ramanathan@staff.test' };
const OPERATOR_ADMIN = { name: 'Olufemi Castellanos', email: 'olufemi.castellanos@staff.test' };
const NOTES = 'Whitcombe said the night rotation burns people out';
const INSIGHT = 'Ask about tuition support before the offer';
const ADVICE = 'Volunteer at the Eastside free clinic first';
const CONTACT_NOTES = 'Met at the Quillfeather family barbecue';
const ADVISOR_NOTE = 'Quentin mentioned a pending visa appeal';
const BAD_EMAIL = 'quentin.typo@@students';

/**
 * Issue #16: metadata, stream ids, error texts and log lines carry ids, never names or
 * addresses. A realistic journey, logged at `trace`, then every place outside `data.personal`
 * (and the outbox's own message) is searched for every personal string of it (docs/adr/0027).
 */
describe('no personal data outside the envelope', () => {
  const logs = logSink();
  let t: TestApp;
  let sink: SmtpSink;
  let inst: Awaited<ReturnType<typeof newInstitution>>;
  /** Every error text the API returned (GraphQL errors, HTTP error bodies, rejected rows). */
  const errorTexts: string[] = [];
  let personal: string[];

  const server = () => t.app.getHttpServer();
  async function gql(token: string, query: string, variables: Record<string, unknown> = {}) {
    const result: GraphqlResult = await graphql(t.app, token, query, variables);
    if (result.errors) errorTexts.push(JSON.stringify(result.errors));
    return result;
  }
  const collect = (response: request.Response) => {
    if (response.status >= 400) errorTexts.push(response.text);
    return response;
  };

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({
      mail: testMail(sink.url),
      log: { level: 'trace', destination: logs.stream },
    });
    inst = await newInstitution(t, { timeZone: 'UTC' });

    // Staff invite; then the old habit of assigning by address, and a second invite of the same one.
    const advisor = await newStaff(t, inst.adminToken, STAFF);
    await gql(
      inst.adminToken,
      `mutation ($input: InviteStaffInput!) { inviteStaff(input: $input) { staffMember { id } } }`,
      { input: { ...STAFF, role: 'ADVISOR' } },
    );

    // The operator's invitation (`npm run staff:invite`), twice: it is idempotent by address.
    for (let i = 0; i < 2; i++)
      await t.app
        .get(StaffService)
        .inviteAsOperator(inst.tenantId, { ...OPERATOR_ADMIN, role: 'admin' });

    // Enrol via roster, with a bad row.
    const today = DateTime.utc();
    const cohortId = ok(
      await gql(
        inst.adminToken,
        `mutation ($input: CreateCohortInput!) { createCohort(input: $input) { cohort { id } } }`,
        {
          input: {
            name: 'Health Explorers',
            term: 'Now',
            startDate: today.minus({ days: 30 }).toISODate(),
            endDate: today.plus({ days: 60 }).toISODate(),
          },
        },
      ),
    ).createCohort.cohort.id as string;
    await gql(
      inst.adminToken,
      `mutation ($c: ID!, $a: ID!) { assignAdvisor(input: { cohortId: $c, advisorId: $a }) { cohort { id } } }`,
      { c: cohortId, a: STAFF.email },
    );
    await gql(
      inst.adminToken,
      `mutation ($c: ID!, $a: ID!) { assignAdvisor(input: { cohortId: $c, advisorId: $a }) { cohort { id } } }`,
      { c: cohortId, a: advisor.staffId },
    );
    const csv = [
      'name,email',
      `${ZOE.name},${ZOE.email}`,
      `${QUENTIN.name},${QUENTIN.email}`,
      `${QUENTIN.name},${BAD_EMAIL}`,
    ].join('\n');
    const roster = await request(server())
      .post(`/imports/cohorts/${cohortId}/roster.csv`)
      .set('Authorization', `Bearer ${inst.adminToken}`)
      .set('Content-Type', 'text/csv; charset=utf-8')
      .send(csv);
    expect(roster.body.accepted).toBe(2);
    errorTexts.push(JSON.stringify(roster.body.rejected));
    await caughtUp(t.app);
    const students = ok(
      await gql(
        inst.adminToken,
        `query ($id: ID!) { cohort(id: $id) { students(first: 10) { edges { node { id email } } } } }`,
        { id: cohortId },
      ),
    ).cohort.students.edges.map((e: { node: { id: string; email: string } }) => e.node);
    const zoeId = students.find((s: { email: string }) => s.email === ZOE.email).id as string;
    const quentinId = students.find((s: { email: string }) => s.email === QUENTIN.email)
      .id as string;
    const zoe = await inst.studentToken(zoeId);

    // Contact, with a bad address first; an interview with notes; an advisor's note.
    await gql(
      zoe,
      `mutation ($input: AddContactInput!) { addContact(input: $input) { contact { id } } }`,
      {
        input: { name: CONTACT.name, email: BAD_EMAIL, relationship: 'mentor' },
      },
    );
    const contactId = ok(
      await gql(
        zoe,
        `mutation ($input: AddContactInput!) { addContact(input: $input) { contact { id } } }`,
        {
          input: {
            ...CONTACT,
            relationship: 'mentor',
            organization: 'Eastside Hospital',
            notes: CONTACT_NOTES,
          },
        },
      ),
    ).addContact.contact.id as string;
    ok(
      await gql(
        zoe,
        `mutation ($input: RecordInterviewHeldInput!) { recordInterviewHeld(input: $input) { interview { id } } }`,
        {
          input: {
            contactId,
            heldAt: new Date(Date.now() - 86_400_000).toISOString(),
            format: 'in_person',
            notes: NOTES,
            keyInsights: [INSIGHT],
            advice: ADVICE,
          },
        },
      ),
    );
    ok(
      await gql(
        advisor.token,
        `mutation ($input: AddAdvisorNoteInput!) { addAdvisorNote(input: $input) { note { id } } }`,
        { input: { studentId: quentinId, text: ADVISOR_NOTE } },
      ),
    );
    // Someone else's student, by id: refused without naming anyone.
    await gql(zoe, `query ($id: ID!) { student(id: $id) { name email } }`, { id: quentinId });
    await caughtUp(t.app);

    // The week's digests; Quentin's mail server refuses him for good.
    sink.reject(QUENTIN.email);
    const now = new Date();
    const week = DateTime.fromJSDate(now, { zone: 'utc' }).toFormat("kkkk-'W'WW");
    await t.app.get(DigestScheduler).runWeek(inst.tenantId, week, now);
    const delivered = await t.app.get(DigestDelivery).deliverDue();
    expect(delivered.dead).toBeGreaterThanOrEqual(1);

    // The sign-in link to the week page, and a forged one.
    const token = signWeekSignInToken(
      { tenantId: inst.tenantId, studentId: zoeId, digestId: NO_DIGEST },
      TEST_UNSUBSCRIBE_SECRET,
      new Date(),
    );
    const form = collect(
      await request(server()).get(`/me/sign-in?token=${encodeURIComponent(token)}`),
    );
    const binding = /name="binding" value="([^"]+)"/.exec(form.text)![1];
    const started = collect(
      await request(server())
        .post('/me/sign-in')
        .set('Cookie', form.headers['set-cookie'][0].split(';')[0])
        .set('Origin', ORIGIN)
        .type('form')
        .send({ token, binding }),
    );
    expect(started.status).toBe(303);
    collect(
      await request(server()).post('/me/sign-in-link').type('form').send({ token: 'forged' }),
    );

    // Email change: to a taken address, then to a new one, confirmed.
    const UPDATE = `mutation ($input: UpdateStudentProfileInput!) { updateStudentProfile(input: $input) { student { id } } }`;
    await gql(zoe, UPDATE, { input: { email: QUENTIN.email } });
    await gql(zoe, UPDATE, { input: { email: BAD_EMAIL } });
    ok(await gql(zoe, UPDATE, { input: { email: ZOE_NEW_EMAIL } }));
    await t.app.get(DigestDelivery).deliverDue();
    const confirmation = sink.messagesTo(ZOE_NEW_EMAIL).find((m) => m.subject.includes('onfirm'))!;
    const [, url] = /(https?:\/\/\S*email-confirmations\S*)/.exec(confirmation.text) ?? [];
    const confirmToken = new URL(url).searchParams.get('token')!;
    collect(
      await request(server())
        .post('/email-confirmations')
        .type('form')
        .send({ token: confirmToken }),
    );
    collect(await request(server()).post('/email-confirmations').type('form').send({ token: 'x' }));
    await caughtUp(t.app);

    personal = [
      ZOE.name,
      'Quillfeather',
      ZOE.email,
      ZOE_NEW_EMAIL,
      QUENTIN.name,
      'Marlowe-Bray',
      QUENTIN.email,
      BAD_EMAIL,
      CONTACT.name,
      'Whitcombe',
      CONTACT.email,
      STAFF.name,
      STAFF.email,
      OPERATOR_ADMIN.name,
      OPERATOR_ADMIN.email,
      NOTES,
      INSIGHT,
      ADVICE,
      CONTACT_NOTES,
      ADVISOR_NOTE,
      ...new Set(sink.messages.map((m) => m.subject)),
    ];
  });
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  const leaksIn = (text: string) =>
    personal.filter((p) => text.toLowerCase().includes(p.toLowerCase()));

  async function rows<T>(sql: string): Promise<T[]> {
    return t.db.owner.database.withTenant(inst.tenantId, (tx) => tx.query<T>(sql, [tx.tenantId]));
  }

  it('ran the whole journey (the checks below are not vacuous)', async () => {
    expect(logs.text().split('\n').length).toBeGreaterThan(50);
    expect(logs.text()).toMatch(/gave up on digest/);
    expect(errorTexts.length).toBeGreaterThanOrEqual(6);
    const types = (
      await rows<{ type: string }>(`SELECT DISTINCT type FROM events WHERE tenant_id = $1`)
    ).map((r) => r.type);
    for (const type of [
      'StaffInvited',
      'StudentEnrolled',
      'ContactAdded',
      'InterviewHeld',
      'AdvisorNoteAdded',
      'DigestSent',
      'DigestDead',
      'StudentEmailChangeRequested',
      'StudentEmailChanged',
    ])
      expect(types).toContain(type);
    // What is searched for is there to be found where it belongs.
    // Opened with the people's keys: stored, the personal parts are sealed (docs/adr/0024).
    const { events } = await t.app.get(EventStore).readTenant(inst.tenantId, START, 100_000);
    const personalParts = JSON.stringify(
      events.map((e) => (e.data as { personal?: unknown }).personal),
    );
    expect(leaksIn(personalParts)).toEqual(
      expect.arrayContaining([ZOE.name, CONTACT.email, NOTES]),
    );
  });

  it('writes no name, address, note or subject to the log, even at trace', () => {
    expect(leaksIn(logs.text())).toEqual([]);
  });

  it('returns error texts that name nobody', () => {
    expect(leaksIn(errorTexts.join('\n'))).toEqual([]);
  });

  it('keeps events.metadata, stream ids and streams free of them', async () => {
    const events = await rows<{ stream_id: string; metadata: object }>(
      `SELECT stream_id, metadata FROM events WHERE tenant_id = $1`,
    );
    expect(leaksIn(JSON.stringify(events))).toEqual([]);
    const streams = await rows(`SELECT stream_id FROM streams WHERE tenant_id = $1`);
    expect(leaksIn(JSON.stringify(streams))).toEqual([]);
  });

  it('records a permanent SMTP refusal by its codes only: in the event, the outbox and the log', async () => {
    const dead = await rows<{ data: Record<string, unknown> }>(
      `SELECT data - 'personal' AS data FROM events WHERE tenant_id = $1 AND type = 'DigestDead'`,
    );
    expect(dead.length).toBeGreaterThanOrEqual(1);
    expect(leaksIn(JSON.stringify(dead))).toEqual([]);
    expect(dead[0].data.reason).toMatchObject({ kind: 'recipient-rejected', responseCode: 550 });
    const errors = await rows<{ last_error: string | null }>(
      `SELECT last_error FROM outbox WHERE tenant_id = $1 AND last_error IS NOT NULL`,
    );
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(leaksIn(JSON.stringify(errors))).toEqual([]);
  });
});
