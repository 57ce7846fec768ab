import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { Database, EventStore, ProjectionRebuilder, START } from '@rapport/event-store';
import { DigestDelivery } from '../../apps/api/src/digest/digest-delivery.service';
import { DigestScheduler } from '../../apps/api/src/digest/digest-scheduler.service';
import { projections } from '../../apps/api/src/projections';
import { apiEnv, TEST_DATA_KEY_SECRET } from '../support/api-process';
import { dumpDatabase, findPersonal } from '../support/database-dump';
import { graphql } from '../support/graphql';
import { caughtUp } from '../support/projections';
import { SmtpSink } from '../support/smtp-sink';
import {
  admin,
  type DigestScenario,
  runAs,
  studentDigestScenario,
} from '../support/student-digest';
import { onRealPostgres } from '../support/test-database';
import { startTestApp, testMail, type TestApp } from '../support/test-app';

describe('the dump search', () => {
  it('recognises a string in every form a dump may hold it', () => {
    const value = 'Zoë "Q" O\'Brien-Ashworth';
    const hits = (dump: string) => findPersonal(dump, [value]).map((f) => f.form);
    expect(hits(`x ${value.toUpperCase()} y`)).toContain('plain');
    expect(hits(JSON.stringify({ name: value }))).toContain('json');
    expect(hits(JSON.stringify({ name: value }).replaceAll('\\', '\\\\'))).toContain('copy');
    expect(hits('{"n":"Zo\\u00eb \\"Q\\" O\'Brien-Ashworth"}')).toContain('json-ascii');
    expect(hits(`<p>Zoë &quot;Q&quot; O&#39;Brien-Ashworth</p>`)).toContain('html');
    expect(hits(`?to=${encodeURIComponent(value)}`)).toContain('url');
    for (const prefix of ['', 'a', 'ab', 'abc', 'Hello '])
      expect(
        hits(Buffer.from(`${prefix}${value} and more`).toString('base64')).some((f) =>
          f.startsWith('base64'),
        ),
      ).toBe(true);
    expect(findPersonal('nothing of hers here', [value])).toEqual([]);
  });
});

/**
 * Issue #16, section 4: erase a student who has contacts, interviews, notes, sent digests and a
 * dead letter; dump the whole database and find none of their personal strings; rebuild every
 * projection, verify, dump again, and still find none.
 */
describe('erasure, proven on a dump of the whole database', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let scenario: DigestScenario;
  /** Everything personal about the student, in what they and their advisor wrote. */
  let personal: string[];

  const NOTE = 'Worried about her visa renewal; mentioned a sister at Mercy General';
  const INSIGHT = 'Night shifts pay for the nursing master’s degree';
  const ADVICE = 'Shadow the triage desk before applying';

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({
      mail: testMail(sink.url),
      // The operator's commands below open the log with the same key-encryption key.
      dataKeys: { secret: TEST_DATA_KEY_SECRET, cacheMs: 60_000, cacheSize: 1_000 },
    });
    scenario = await studentDigestScenario(t, sink, 'Zoë Quill-Ashworth');
    const { inst, student } = scenario;
    const run = runAs(t.app);
    const at = new Date().toISOString();
    const me = {
      subject: `user-${student.studentId}`,
      tenantId: inst.tenantId,
      role: 'student' as const,
      studentId: student.studentId,
    };
    // Interview notes, insights and advice; an advisor's note.
    await run(me, at, {
      type: 'RecordInterviewHeld',
      data: {
        interviewId: randomUUID(),
        studentId: student.studentId,
        contactId: scenario.referralContactId,
        heldAt: at,
        format: 'phone',
        personal: { notes: 'Talked about ER rotations', keyInsights: [INSIGHT], advice: ADVICE },
        at,
      },
    });
    await run(admin(inst.tenantId), at, {
      type: 'AddAdvisorNote',
      data: {
        studentId: student.studentId,
        noteId: randomUUID(),
        advisorId: 'admin-test',
        role: 'admin',
        at,
        personal: { text: NOTE },
      },
    });
    await caughtUp(t.app);
    // A dead letter: next week's digest, refused for good by the student's mail server.
    sink.reject(student.email);
    const next = new Date(scenario.now.getTime() + 7 * 86_400_000);
    const week = DateTime.fromJSDate(next, { zone: 'utc' }).toFormat("kkkk-'W'WW");
    await t.app.get(DigestScheduler).runWeek(inst.tenantId, week, next);
    const report = await t.app.get(DigestDelivery).deliverDue();
    expect(report.dead).toBe(1);
    personal = [
      student.name,
      student.email,
      // The name as the digest greets it and as the address spells it.
      'Quill-Ashworth',
      student.email.slice(0, student.email.indexOf('@')),
      'Dana Lee',
      'Lee Park',
      'Noor Haddad',
      'Omar Reyes',
      'Sam Ortiz',
      'Talked about ER rotations',
      INSIGHT,
      ADVICE,
      NOTE,
      scenario.mail.subject,
    ];
  });
  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  it('finds before erasure what read models and mail hold, and the log only sealed', async () => {
    const dump = await dumpDatabase(t.db);
    const found = new Set(findPersonal(dump.text, personal).map((f) => f.value));
    expect(personal.filter((p) => !found.has(p))).toEqual([]);
    // Interview texts are in the interview's stored view (docs/adr/0028), never in events.data:
    // there they are sealed, readable through the store with the student's key.
    const interviewTexts = ['Talked about ER rotations', INSIGHT, ADVICE];
    const log = await t.app
      .get(Database)
      .withTenant(scenario.inst.tenantId, (tx) =>
        tx.query<{ data: string }>(`SELECT data::text AS data FROM events`),
      );
    const logText = log.map((row) => row.data).join('\n');
    expect(interviewTexts.filter((p) => findPersonal(logText, [p]).length > 0)).toEqual([]);
    const opened = JSON.stringify(
      (await t.app.get(EventStore).readTenant(scenario.inst.tenantId, START, 100_000)).events.map(
        (e) => e.data,
      ),
    );
    expect(interviewTexts.filter((p) => findPersonal(opened, [p]).length === 0)).toEqual([]);
    // The dump covers the log, the outbox and the read models.
    for (const table of ['events', 'outbox', 'aggregate_states', 'student_progress'])
      expect(dump.text).toContain(
        dump.method === 'pg_dump' ? `public.${table}` : `public.${table}:`,
      );
  });

  it('finds none after eraseStudent, nor after rebuilding every projection and verifying', async () => {
    const erased = await graphql(
      t.app,
      scenario.inst.adminToken,
      `
        mutation ($id: ID!) {
          eraseStudent(input: { studentId: $id, reason: REQUEST }) {
            __typename
          }
        }
      `,
      { id: scenario.student.studentId },
    );
    expect(erased.errors).toBeUndefined();
    await caughtUp(t.app);

    const first = await dumpDatabase(t.db);
    expect(findPersonal(first.text, personal)).toEqual([]);

    if (onRealPostgres) {
      // The operator's commands themselves, against the same database and key.
      for (const args of [['projections:rebuild', '--', '--all'], ['verify']]) {
        const run = spawnSync('npm', ['run', '--silent', ...args], {
          env: apiEnv(t.db),
          encoding: 'utf8',
        });
        expect({ args, status: run.status, stderr: run.stderr }).toEqual({
          args,
          status: 0,
          stderr: '',
        });
        if (args[0] === 'verify') expect(run.stdout).toContain('every read model matches');
      }
    } else {
      // PGlite lives inside this process: the same calls the two commands make.
      const database = t.db.owner.database;
      const rebuilder = new ProjectionRebuilder(
        database,
        new EventStore(database, undefined, t.app.get(EventStore).privacy),
      );
      await rebuilder.rebuildMany(projections);
      const differing: Record<string, number> = {};
      for (const projection of projections)
        for (const [table, count] of Object.entries(await rebuilder.verify(projection)))
          if (count > 0) differing[`${projection.name} ${table}`] = count;
      expect(differing).toEqual({});
    }

    const second = await dumpDatabase(t.db);
    expect(findPersonal(second.text, personal)).toEqual([]);
    // The student is still counted, by id, as "Erased student".
    expect(second.text).toContain(scenario.student.studentId);
  });
});
