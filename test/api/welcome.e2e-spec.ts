import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { DigestDelivery } from '../../apps/api/src/digest/digest-delivery.service';
import { newInstitution } from '../support/builders';
import { graphql, ok } from '../support/graphql';
import { SmtpSink, type SunkMessage } from '../support/smtp-sink';
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

const CREATE = `mutation ($input: CreateCohortInput!) {
  createCohort(input: $input) { cohort { id welcomeEmails } }
}`;
const UPDATE = `mutation ($input: UpdateCohortInput!) {
  updateCohort(input: $input) { cohort { welcomeEmails } }
}`;
const ENROLL = `mutation Enrol($input: EnrollStudentsInput!) {
  enrollStudents(input: $input) {
    clientMutationId
    accepted { row studentId email }
    rejected { row reason }
  }
}`;
const SETTINGS = `mutation ($input: ChangeInstitutionSettingsInput!) {
  changeInstitutionSettings(input: $input) { institution { name } }
}`;

const INSTITUTION = 'Northfield University';

describe('welcome emails', () => {
  const logs = logSink();
  let t: TestApp;
  let sink: SmtpSink;
  let inst: Awaited<ReturnType<typeof newInstitution>>;
  /** Every name and address enrolled here: none may reach ids, metadata or logs. */
  const personal: string[] = [];

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({
      mail: testMail(sink.url),
      log: { level: 'trace', destination: logs.stream },
    });
    inst = await newInstitution(t, { name: INSTITUTION });
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });
  beforeEach(() => sink.reset());

  async function createCohort(input: Record<string, unknown> = {}) {
    return ok(
      await graphql(t.app, inst.adminToken, CREATE, {
        input: {
          name: 'Fall Explorers',
          term: 'Fall 2026',
          startDate: '2026-09-01',
          endDate: '2026-12-15',
          ...input,
        },
      }),
    ).createCohort.cohort as { id: string; welcomeEmails: boolean };
  }

  async function setWelcome(cohortId: string, welcomeEmails: boolean) {
    const { cohort } = ok(
      await graphql(t.app, inst.adminToken, UPDATE, { input: { cohortId, welcomeEmails } }),
    ).updateCohort;
    expect(cohort).toEqual({ welcomeEmails });
  }

  const address = (name: string) =>
    `${name.toLowerCase().replace(/\W+/g, '.')}.${randomUUID().slice(0, 6)}@students.test`;

  async function enrol(
    cohortId: string,
    rows: { name: string; email: string }[],
    clientMutationId?: string,
  ) {
    for (const row of rows) personal.push(row.name, row.email.toLowerCase());
    return ok(
      await graphql(t.app, inst.adminToken, ENROLL, {
        input: { cohortId, rows, clientMutationId },
      }),
    ).enrollStudents as {
      accepted: { row: number; studentId: string; email: string }[];
      rejected: { row: number; reason: string }[];
    };
  }

  /** Drains the outbox as the worker's timer would. */
  async function deliver() {
    await t.app.get(DigestDelivery).deliverDue();
  }

  function expectBothParts(mail: SunkMessage, ...fragments: string[]) {
    expect(mail.raw.toString()).toMatch(/multipart\/alternative/i);
    expect(mail.text.length).toBeGreaterThan(0);
    expect(mail.html.length).toBeGreaterThan(0);
    for (const fragment of fragments) {
      expect(mail.text).toContain(fragment);
      expect(mail.html).toContain(fragment);
    }
  }

  it("welcomes each newly enrolled student once, with the institution and the program's asks", async () => {
    const { id: cohortId, welcomeEmails } = await createCohort();
    expect(welcomeEmails).toBe(true);
    const ada = address('Ada Lovelace');
    const alan = address('Alan Turing');
    const rows = [
      { name: 'Ada Lovelace', email: ada },
      { name: 'Alan Turing', email: alan.toUpperCase() },
      { name: 'Nobody', email: 'not-an-address' },
      { name: 'Ada Again', email: ada },
    ];
    const first = await enrol(cohortId, rows, 'welcome-roster-1');
    expect(first.accepted.map((a) => a.email)).toEqual([ada, alan]);
    expect(first.rejected.map((r) => r.reason)).toEqual(['INVALID_EMAIL', 'DUPLICATE_IN_BATCH']);
    await deliver();

    expect(sink.messages).toHaveLength(2);
    for (const [to, name] of [
      [ada, 'Ada Lovelace'],
      [alan, 'Alan Turing'],
    ]) {
      const mails = sink.messagesTo(to);
      expect(mails).toHaveLength(1);
      const [mail] = mails;
      expect(mail.to).toEqual([to]);
      expect(mail.subject).toBe(`${INSTITUTION}: welcome to Fall Explorers`);
      expect(mail.text).toContain(`Hi ${name},`);
      expectBothParts(
        mail,
        INSTITUTION,
        'Talk to 3 to 5 professionals',
        'about 30 minutes of their time',
        'Thank them within 3 days',
        'Stay in touch',
        'https://rapport.test',
      );
      expect(mail.headers['list-unsubscribe']).toBeUndefined();
    }
    // The rejected rows got nothing: no second mail for the duplicate, no attempt for the bad one.
    expect(sink.attempts.flatMap((a) => a.recipients)).toEqual(
      expect.not.arrayContaining(['not-an-address']),
    );

    // The same mutation again (a client retry) is recognised and sends nothing.
    const replayed = await enrol(cohortId, rows, 'welcome-roster-1');
    expect(replayed.accepted).toEqual(first.accepted);
    // The same roster as a new upload enrols nobody again and sends nothing either.
    const again = await enrol(cohortId, rows.slice(0, 2), 'welcome-roster-2');
    expect(again.accepted).toEqual([]);
    await deliver();
    expect(sink.messages).toHaveLength(2);

    // Delivery is recorded per student with the message's kind, as for other non-digest mail.
    const sent = await t.db.owner.database.withTenant(inst.tenantId, (tx) =>
      tx.query<{ stream_id: string; data: { kind: string } }>(
        `SELECT stream_id, data FROM events WHERE tenant_id = $1 AND type = 'MailSent'`,
        [tx.tenantId],
      ),
    );
    expect(sent.map((e) => [e.stream_id, e.data.kind]).sort()).toEqual(
      first.accepted.map((a) => [`mail-student-${a.studentId}`, 'welcome']).sort(),
    );
  });

  it('sends none for a cohort created with welcome emails off', async () => {
    const { id: cohortId, welcomeEmails } = await createCohort({ welcomeEmails: false });
    expect(welcomeEmails).toBe(false);
    const { accepted } = await enrol(cohortId, [{ name: 'Cleo Park', email: address('Cleo') }]);
    expect(accepted).toHaveLength(1);
    await deliver();
    expect(sink.messages).toEqual([]);
  });

  it('stops welcoming students enrolled after an admin turns it off, and resumes when on', async () => {
    const { id: cohortId } = await createCohort();
    const before = address('Dana Before');
    await enrol(cohortId, [{ name: 'Dana Before', email: before }]);

    await setWelcome(cohortId, false);
    const during = address('Eli During');
    expect((await enrol(cohortId, [{ name: 'Eli During', email: during }])).accepted).toHaveLength(
      1,
    );
    // An update that does not name the setting keeps it off.
    ok(await graphql(t.app, inst.adminToken, UPDATE, { input: { cohortId, term: 'Fall 26' } }));
    const renamed = address('Fay During');
    await enrol(cohortId, [{ name: 'Fay During', email: renamed }]);

    await setWelcome(cohortId, true);
    const after = address('Gus After');
    await enrol(cohortId, [{ name: 'Gus After', email: after }]);
    await deliver();
    expect(sink.messages.flatMap((m) => m.to).sort()).toEqual([after, before].sort());
  });

  it("states the institution's and the cohort's own targets", async () => {
    ok(
      await graphql(t.app, inst.adminToken, SETTINGS, {
        input: { settings: { thankYouWindowDays: 2, requestedMeetingMinutes: 45 } },
      }),
    );
    const { id: cohortId } = await createCohort({ interviewTargetOverride: 4 });
    const to = address('Hana Override');
    await enrol(cohortId, [{ name: 'Hana Override', email: to }]);
    await deliver();
    const [mail] = sink.messagesTo(to);
    expectBothParts(
      mail,
      'Talk to 4 to 5 professionals',
      'about 45 minutes of their time',
      'Thank them within 2 days',
    );
  });

  it("escapes a student's name in the HTML part", async () => {
    const { id: cohortId } = await createCohort();
    const to = address('Ivy');
    const name = `<script>alert("x")</script> Ivy <b>O'Neil</b>`;
    await enrol(cohortId, [{ name, email: to }]);
    await deliver();
    const [mail] = sink.messagesTo(to);
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toContain('<b>O');
    expect(mail.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Ivy');
    expect(mail.text).toContain(`Hi ${name},`);
  });

  it('keeps names and addresses out of ids, event metadata, mail bookkeeping and logs', async () => {
    expect(personal.length).toBeGreaterThanOrEqual(10);
    const [events, outbox] = await t.db.owner.database.withTenant(inst.tenantId, (tx) =>
      Promise.all([
        tx.query<{ stream_id: string; type: string; metadata: string; data: string }>(
          `SELECT stream_id, type, metadata::text AS metadata, data::text AS data
             FROM events WHERE tenant_id = $1`,
          [tx.tenantId],
        ),
        tx.query<{ message_id: string; recipient_id: string; kind: string; headers: string }>(
          `SELECT message_id, recipient_id, kind, headers::text AS headers FROM outbox
            WHERE tenant_id = $1`,
          [tx.tenantId],
        ),
      ]),
    );
    expect(outbox.filter((m) => m.kind === 'welcome').length).toBeGreaterThanOrEqual(5);
    const lower = (s: string) => s.toLowerCase();
    for (const value of personal.map(lower)) {
      for (const e of events) {
        expect(lower(e.stream_id)).not.toContain(value);
        expect(lower(e.metadata)).not.toContain(value);
        if (e.type === 'MailSent') expect(lower(e.data)).not.toContain(value);
      }
      for (const m of outbox) expect(lower(JSON.stringify(m))).not.toContain(value);
      expect(lower(logs.text())).not.toContain(value);
    }
    // The log did see the traffic: the check above is not vacuous.
    expect(logs.text()).toContain('"operationName":"Enrol"');
  });
});
