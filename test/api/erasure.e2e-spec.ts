import { erasedPersonal } from '@rapport/domain';
import { DATA_KEYS, EventStore, ProjectionRebuilder } from '@rapport/event-store';
import { DateTime } from 'luxon';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Actor } from '../../apps/api/src/auth/actor';
import type { DigestConfig } from '../../apps/api/src/config/app-config';
import { DigestRepository } from '../../apps/api/src/digest/digest.repository';
import { DigestScheduler } from '../../apps/api/src/digest/digest-scheduler.service';
import { ErasureService } from '../../apps/api/src/erasure/erasure.service';
import { identityLinksProjection } from '../../apps/api/src/identity/identity-links.projection';
import { projections } from '../../apps/api/src/projections';
import { WeekSessionService } from '../../apps/api/src/week/week-session.service';
import { enrolledStudents, newStaff } from '../support/builders';
import { errorCode, graphql, ok } from '../support/graphql';
import { caughtUp } from '../support/projections';
import { SmtpSink } from '../support/smtp-sink';
import {
  admin,
  type DigestScenario,
  linksOf,
  runAs,
  studentDigestScenario,
} from '../support/student-digest';
import { startTestApp, testMail, type TestApp } from '../support/test-app';

const DIGEST: DigestConfig = {
  enabled: false,
  tickMs: 60_000,
  deliveryMs: 1_000,
  maxAttempts: 3,
  retryBaseMs: 1,
};

const ERASE = `mutation($input: EraseStudentInput!) {
  eraseStudent(input: $input) { clientMutationId studentId erasedAt caughtUp } }`;
const ERASE_STAFF = `mutation($input: EraseStaffMemberInput!) {
  eraseStaffMember(input: $input) { staffId erasedAt } }`;

const STUDENT = `query($id: ID!, $asOf: DateTime) {
  student(id: $id) {
    id name email externalId enrolled cohortId
    contacts(first: 50) { totalCount edges { node { name email notes organization } } }
    interviews(first: 50) { totalCount edges { node { id status } } }
    progress { stage enrolled contacts { total archived } interviews { held upcoming noShows } }
    past: progress(asOf: $asOf) { stage contacts { total } interviews { held } }
    risk { score }
    timeline(first: 100) { totalCount edges { node { kind title detail } } }
  } }`;
const COHORT = `query($id: ID!, $asOf: DateTime) {
  cohort(id: $id) {
    enrolledCount
    students(first: 50) { totalCount edges { node { id name } } }
    dashboard { students withdrawn overdueFollowUps heldWithoutRequest funnel { stage count } atTarget { students } industryMix { industry contacts } weeklyActivity { week counts { key count } } thankYouSla { decided breached } }
    past: dashboard(asOf: $asOf) { students withdrawn funnel { stage count } weeklyActivity { week counts { key count } } }
    pastStudents: students(first: 50, asOf: $asOf) { totalCount edges { node { id name } } }
  } }`;
const NOTES = `query($id: ID!) { advisorNotes(studentId: $id) { id text retracted } }`;
const DASHBOARD = `{ advisorDashboard(first: 50) { totalCount edges { node { student { id name } risk { score } } } } }`;

/** Whatever of the answer counts: names and texts aside, it must not change on erasure. */
function counts(student: any, cohort: any) {
  return {
    student: {
      enrolled: student.enrolled,
      contacts: student.contacts.totalCount,
      interviews: student.interviews.edges.map((e: any) => e.node).sort(byId),
      progress: student.progress,
      past: student.past,
      risk: student.risk,
      timeline: student.timeline.totalCount,
    },
    cohort: {
      enrolledCount: cohort.enrolledCount,
      students: cohort.students.totalCount,
      dashboard: cohort.dashboard,
      past: cohort.past,
      pastStudents: cohort.pastStudents.totalCount,
    },
  };
}
const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);

describe('erasing a student and a staff member', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let s: DigestScenario;
  let studentId: string;
  let asOf: string;
  let before: ReturnType<typeof counts>;
  let notes: string[];
  let advisorId: string;
  let sessionId: string;
  const quoting = randomUUID();
  const unrelated = randomUUID();

  const q = <T = any>(token: string, query: string, variables: Record<string, unknown> = {}) =>
    graphql<T>(t.app, token, query, variables);
  const rows = (sql: string, params: unknown[] = []) =>
    t.db.app.database.withTenant(s.inst.tenantId, (tx) =>
      tx.query<any>(sql, [tx.tenantId, ...params]),
    );
  const read = async () => {
    const student = ok(await q(s.inst.adminToken, STUDENT, { id: studentId, asOf })).student;
    const cohort = ok(await q(s.inst.adminToken, COHORT, { id: s.cohortId, asOf })).cohort;
    return { student, cohort };
  };
  /** Every read model row and aggregate state of the tenant, as text. */
  const everything = async () =>
    JSON.stringify([
      await rows(`SELECT * FROM aggregate_states WHERE tenant_id = $1`),
      await rows(`SELECT * FROM student_progress WHERE tenant_id = $1`),
      await rows(`SELECT * FROM student_progress_snapshots WHERE tenant_id = $1`),
      await rows(`SELECT * FROM identity_links WHERE tenant_id = $1`),
      // The one row that only looks like the name (a longer word) is checked on its own.
      await rows(`SELECT * FROM outbox WHERE tenant_id = $1 AND message_id <> $2`, [unrelated]),
      await rows(`SELECT * FROM digests WHERE tenant_id = $1`),
      await rows(`SELECT * FROM week_sessions WHERE tenant_id = $1`),
      await rows(`SELECT * FROM digest_optouts WHERE tenant_id = $1`),
    ]);

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({ mail: testMail(sink.url), digest: DIGEST, runProjections: true });
    s = await studentDigestScenario(t, sink, 'Zelda Quokka');
    studentId = s.student.studentId;
    const run = runAs(t.app);
    const me: Actor = {
      subject: `user-${studentId}`,
      tenantId: s.inst.tenantId,
      role: 'student',
      studentId,
    };
    const at = (days: number) => new Date(s.now.getTime() + days * 86_400_000).toISOString();
    asOf = at(-3);
    // Interview notes and insights, an advisor note, a linked sign-in account.
    const contacts = ok(await q(s.inst.adminToken, STUDENT, { id: studentId, asOf })).student;
    const contactId = (
      await rows(
        `SELECT aggregate_id FROM aggregate_states WHERE tenant_id = $1 AND kind = 'contact' AND student_id = $2 LIMIT 1`,
        [studentId],
      )
    )[0].aggregate_id;
    expect(contacts.contacts.totalCount).toBeGreaterThan(0);
    notes = ['Quokka-notes-about-Dana', 'Quokka-insight-hospital', 'Quokka-advisor-note-text'];
    await run(me, at(-0.5), {
      type: 'RecordInterviewHeld',
      data: {
        interviewId: randomUUID(),
        studentId,
        contactId,
        heldAt: at(-0.5),
        format: 'video',
        personal: { notes: notes[0], keyInsights: [notes[1]] },
        at: at(-0.5),
      },
    });
    ok(
      await q(
        s.inst.adminToken,
        `mutation($input: AddAdvisorNoteInput!) { addAdvisorNote(input: $input) { note { id } } }`,
        { input: { studentId, text: notes[2] } },
      ),
    );
    await run(me, at(-0.4), {
      type: 'LinkIdentity',
      data: {
        personId: studentId,
        role: 'student',
        issuer: 'https://idp.quokka.test',
        matchedBy: 'email',
        personal: { subject: 'zelda-subject-4711', email: s.student.email },
        at: at(-0.4),
      },
    });
    // A dead letter: a message to the student the mail server refused, quoting the address.
    const outbox = t.app.get(DigestRepository);
    await t.db.app.database.withTenant(s.inst.tenantId, async (tx) => {
      const messageId = randomUUID();
      await outbox.insertMessage(tx, {
        kind: 'sign_in_link',
        recipientKind: 'student',
        recipientId: studentId,
        messageId,
        to: s.student.email,
        subject: 'Your link',
        html: '<p>Zelda Quokka</p>',
        text: 'Zelda Quokka',
      });
      await tx.query(
        `UPDATE outbox SET status = 'dead', last_error = $3 WHERE tenant_id = $1 AND message_id = $2`,
        [tx.tenantId, messageId, `550 ${s.student.email} unknown`],
      );
    });
    // Another person's mail quoting the student is purged; a longer word containing the name is not.
    await t.db.app.database.withTenant(s.inst.tenantId, async (tx) => {
      for (const [messageId, text] of [
        [quoting, 'Students to look at this week: Zelda Quokka, at risk'],
        [unrelated, 'The Zelda Quokkaville newsletter'],
      ])
        await outbox.insertMessage(tx, {
          kind: 'welcome',
          recipientKind: 'advisor',
          recipientId: 'someone-else',
          messageId,
          to: 'someone.else@staff.test',
          subject: 'Digest',
          html: `<p>${text}</p>`,
          text,
        });
    });
    sessionId = (
      await t.app.get(WeekSessionService).start(s.inst.tenantId, studentId, 'link', null)
    ).session.sessionId;
    advisorId = (await newStaff(t, s.inst.adminToken)).staffId;
    ok(
      await q(
        s.inst.adminToken,
        `mutation($input: AssignAdvisorInput!) { assignAdvisor(input: $input) { cohort { id } } }`,
        { input: { cohortId: s.cohortId, advisorId } },
      ),
    );
    await caughtUp(t.app);
    const shown = await read();
    expect(shown.student.name).toBe('Zelda Quokka');
    before = counts(shown.student, shown.cohort);
    const all = await everything();
    for (const secret of [s.student.email, 'zelda-subject-4711', notes[2]])
      expect(all).toContain(secret);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await sink?.stop();
  });

  it('is for admins only: an advisor and the student get FORBIDDEN', async () => {
    const input = { studentId, reason: 'REQUEST' };
    expect(errorCode(await q(await s.inst.advisorToken(advisorId), ERASE, { input }))).toBe(
      'FORBIDDEN',
    );
    expect(errorCode(await q(await s.inst.studentToken(studentId), ERASE, { input }))).toBe(
      'FORBIDDEN',
    );
  });

  it('erases: every read says "Erased student" with the same counts, and the rows that named them are gone', async () => {
    const erased = ok(
      await q(s.inst.adminToken, ERASE, {
        input: { studentId, reason: 'REQUEST', clientMutationId: 'erase-1' },
      }),
    ).eraseStudent;
    expect(erased).toMatchObject({ studentId, clientMutationId: 'erase-1', caughtUp: true });
    await caughtUp(t.app);

    const after = await read();
    expect(after.student).toMatchObject({ name: 'Erased student', email: '', externalId: null });
    expect(after.cohort.students.edges.map((e: any) => e.node)).toContainEqual({
      id: studentId,
      name: 'Erased student',
    });
    expect(after.cohort.pastStudents.edges.map((e: any) => e.node)).toContainEqual({
      id: studentId,
      name: 'Erased student',
    });
    for (const { node } of after.student.contacts.edges)
      expect(node).toMatchObject({ name: 'Erased contact', email: null, notes: null });
    expect(counts(after.student, after.cohort)).toEqual({
      ...before,
      // The erasure itself is one more line of the timeline.
      student: { ...before.student, timeline: before.student.timeline + 1 },
    });
    const titles = after.student.timeline.edges.map((e: any) => e.node.title);
    expect(titles).toContain('Personal data erased');

    const advisorNotes = ok(await q(s.inst.adminToken, NOTES, { id: studentId })).advisorNotes;
    expect(advisorNotes).toHaveLength(1);
    expect(advisorNotes[0].text).toBe('');
    const dashboard = ok(await q(s.inst.adminToken, DASHBOARD)).advisorDashboard.edges.map(
      (e: any) => e.node.student,
    );
    expect(dashboard).toContainEqual({ id: studentId, name: 'Erased student' });

    // The roster export too.
    const csv = await request(t.app.getHttpServer())
      .get(`/exports/cohorts/${s.cohortId}.csv`)
      .set('Authorization', `Bearer ${s.inst.adminToken}`)
      .expect(200);
    expect(csv.text).toContain('Erased student');
    expect(csv.text).not.toContain('Zelda');

    // Outside the log nothing names them: outbox (sent and dead), digests, sessions, links.
    expect(
      await rows(`SELECT 1 FROM outbox WHERE tenant_id = $1 AND recipient_id = $2`, [studentId]),
    ).toEqual([]);
    expect(
      await rows(`SELECT 1 FROM digests WHERE tenant_id = $1 AND recipient_id = $2`, [studentId]),
    ).toEqual([]);
    expect(
      await rows(`SELECT 1 FROM week_sessions WHERE tenant_id = $1 AND student_id = $2`, [
        studentId,
      ]),
    ).toEqual([]);
    expect(
      await rows(`SELECT 1 FROM identity_links WHERE tenant_id = $1 AND person_id = $2`, [
        studentId,
      ]),
    ).toEqual([]);
    const others = await rows(
      `SELECT message_id FROM outbox WHERE tenant_id = $1 AND message_id = ANY($2)`,
      [[quoting, unrelated]],
    );
    expect(others.map((r: any) => r.message_id)).toEqual([unrelated]);
    // The nudge statistics keep their ids (they hold nothing else).
    expect(
      (
        await rows(
          `SELECT count(*)::int AS n FROM nudge_digests WHERE tenant_id = $1 AND student_id = $2`,
          [studentId],
        )
      )[0].n,
    ).toBe(1);

    // No read model row or aggregate state holds a personal string any more (the log itself is
    // sealed by the crypto part of #16).
    const all = await everything();
    for (const secret of [
      ...s.personal.filter((p) => p !== 'City Hospital'),
      ...notes,
      'zelda-subject-4711',
    ])
      expect({ secret, found: all.includes(secret) }).toEqual({ secret, found: false });
    expect(sessionId).toBeDefined();
  });

  it('erasing again is a no-op: the same answer, one StudentErased in the log', async () => {
    const first = await rows(
      `SELECT data->>'at' AS at FROM events WHERE tenant_id = $1 AND stream_id = $2 AND type = 'StudentErased'`,
      [`student-${studentId}`],
    );
    const again = ok(
      await q(s.inst.adminToken, ERASE, { input: { studentId, reason: 'INSTITUTION' } }),
    ).eraseStudent;
    expect(again.erasedAt).toBe(first[0].at);
    expect(
      await t.app
        .get(ErasureService)
        .eraseStudentAsSystem(s.inst.tenantId, studentId, 'retention', new Date()),
    ).toBe('already');
    const log = await rows(
      `SELECT type FROM events WHERE tenant_id = $1 AND stream_id = $2 AND type = 'StudentErased'`,
      [`student-${studentId}`],
    );
    expect(log).toHaveLength(1);
  });

  it('erases for the retention job exactly once: erased, then already', async () => {
    const { studentIds } = await enrolledStudents(t, s.inst.adminToken, [
      { name: 'Yuri Retained', email: 'yuri.retained@students.test' },
    ]);
    const [retained] = studentIds;
    const service = t.app.get(ErasureService);
    const now = new Date();
    expect(await service.eraseStudentAsSystem(s.inst.tenantId, retained, 'retention', now)).toBe(
      'erased',
    );
    expect(await service.eraseStudentAsSystem(s.inst.tenantId, retained, 'retention', now)).toBe(
      'already',
    );
    const log = await rows(
      `SELECT data, metadata FROM events WHERE tenant_id = $1 AND stream_id = $2 AND type = 'StudentErased'`,
      [`student-${retained}`],
    );
    expect(log).toHaveLength(1);
    expect(log[0].data).toEqual({
      studentId: retained,
      reason: 'retention',
      at: now.toISOString(),
    });
    expect(log[0].metadata).toMatchObject({ actorId: 'retention', actorRole: 'admin' });
    const shown = ok(
      await q(s.inst.adminToken, `query($id: ID!) { student(id: $id) { name } }`, { id: retained }),
    );
    expect(shown.student.name).toBe('Erased student');
  });

  it('refuses every later write about the student, and the student cannot get in', async () => {
    const contactId = (
      await rows(
        `SELECT aggregate_id FROM aggregate_states WHERE tenant_id = $1 AND kind = 'contact' AND student_id = $2 LIMIT 1`,
        [studentId],
      )
    )[0].aggregate_id;
    // An admin's note, a correction of the record, a student's own contact: all refused.
    const note = await q(
      s.inst.adminToken,
      `mutation($input: AddAdvisorNoteInput!) { addAdvisorNote(input: $input) { note { id } } }`,
      { input: { studentId, text: 'more' } },
    );
    expect(errorCode(note)).toBeDefined();
    expect(JSON.stringify(note.errors)).toContain('was erased');
    expect(JSON.stringify(note.errors)).not.toContain('Zelda');
    const run = runAs(t.app);
    await expect(
      run(admin(s.inst.tenantId), new Date().toISOString(), {
        type: 'UpdateContact',
        data: {
          contactId,
          studentId,
          personal: { name: 'Back again' },
          at: new Date().toISOString(),
        },
      } as never),
    ).rejects.toThrow(/was erased/);
    await expect(
      run(admin(s.inst.tenantId), new Date().toISOString(), {
        type: 'SetDigestPreference',
        data: { studentId, preference: 'off', at: new Date().toISOString() },
      }),
    ).rejects.toThrow(/was erased/);
    // The links of the digest they were sent answer politely and show nothing of theirs.
    for (const link of new Set([...linksOf(s.mail).html, ...linksOf(s.mail).text])) {
      const url = new URL(link);
      const response = await request(t.app.getHttpServer()).get(`${url.pathname}${url.search}`);
      expect(response.status).toBeLessThan(500);
      for (const secret of s.personal) expect(response.text).not.toContain(secret);
    }
    // Their token stops working, their calendar feed and sign-in find nobody.
    expect(errorCode(await q(await s.inst.studentToken(studentId), `{ me { role } }`))).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('gets no digest next week', async () => {
    const next = new Date(s.now.getTime() + 7 * 86_400_000);
    const week = DateTime.fromJSDate(next, { zone: 'utc' }).toFormat("kkkk-'W'WW");
    const planned = await t.app.get(DigestScheduler).plan(s.inst.tenantId, week, next);
    expect(planned.some((d: any) => d.recipientId === studentId)).toBe(false);
    expect(JSON.stringify(planned)).not.toContain('Zelda');
  });

  it('a rebuild of every read model gives the same erased answers', async () => {
    const shown = await read();
    const owner = t.db.owner.database;
    await new ProjectionRebuilder(
      owner,
      new EventStore(owner, undefined, t.app.get(EventStore).privacy),
      97,
      5,
      3,
    ).rebuildMany(projections);
    const rebuilt = await read();
    expect(rebuilt.student.name).toBe('Erased student');
    expect(counts(rebuilt.student, rebuilt.cohort)).toEqual(counts(shown.student, shown.cohort));
    expect(
      await rows(`SELECT 1 FROM identity_links WHERE tenant_id = $1 AND person_id = $2`, [
        studentId,
      ]),
    ).toEqual([]);
  });

  it('erases a staff member: "Erased staff member", deactivated, links and mail gone; once', async () => {
    const { staffId } = await newStaff(t, s.inst.adminToken);
    const run = runAs(t.app);
    await run(
      { subject: staffId, tenantId: s.inst.tenantId, role: 'advisor' },
      new Date().toISOString(),
      {
        type: 'LinkIdentity',
        data: {
          personId: staffId,
          role: 'advisor',
          issuer: 'https://idp.quokka.test',
          matchedBy: 'email',
          personal: { subject: 'staff-subject-0815', email: null },
          at: new Date().toISOString(),
        },
      },
    );
    const token = await s.inst.advisorToken(staffId);
    expect(errorCode(await q(token, ERASE_STAFF, { input: { staffId, reason: 'REQUEST' } }))).toBe(
      'FORBIDDEN',
    );
    const invited = await rows(
      `SELECT count(*)::int AS n FROM outbox WHERE tenant_id = $1 AND recipient_id = $2`,
      [staffId],
    );
    expect(invited[0].n).toBe(1);
    ok(await q(s.inst.adminToken, ERASE_STAFF, { input: { staffId, reason: 'INSTITUTION' } }));
    ok(await q(s.inst.adminToken, ERASE_STAFF, { input: { staffId, reason: 'INSTITUTION' } }));
    const staff = ok(
      await q(
        s.inst.adminToken,
        `{ staff(first: 100) { edges { node { id name email status } } } }`,
      ),
    ).staff.edges.map((e: any) => e.node);
    expect(staff).toContainEqual({
      id: staffId,
      name: 'Erased staff member',
      email: null,
      status: 'DEACTIVATED',
    });
    expect(
      await rows(`SELECT 1 FROM outbox WHERE tenant_id = $1 AND recipient_id = $2`, [staffId]),
    ).toEqual([]);
    expect(
      await rows(`SELECT 1 FROM identity_links WHERE tenant_id = $1 AND person_id = $2`, [staffId]),
    ).toEqual([]);
    expect(
      await rows(
        `SELECT 1 FROM events WHERE tenant_id = $1 AND stream_id = $2 AND type = 'StaffMemberErased'`,
        [`staff-${staffId}`],
      ),
    ).toHaveLength(1);
    // Their token stops working; nothing more is recorded about them.
    expect(errorCode(await q(token, `{ me { role } }`))).toBe('UNAUTHENTICATED');
    // Replayed as the log reads once the key is gone (subject ''), the link is not made again.
    const [linked] = (
      await new EventStore(t.db.app.database, undefined, t.app.get(EventStore).privacy).readStream(
        s.inst.tenantId,
        `identity-${staffId}`,
      )
    ).filter((e) => e.type === 'IdentityLinked');
    await t.db.app.database.withTenant(s.inst.tenantId, (tx) =>
      identityLinksProjection.apply(
        [
          {
            ...linked,
            data: {
              ...(linked.data as object),
              personal: erasedPersonal(linked.type, linked.data),
            },
          },
        ],
        { tx, table: (name) => name },
      ),
    );
    expect(
      await rows(`SELECT 1 FROM identity_links WHERE tenant_id = $1 AND person_id = $2`, [staffId]),
    ).toEqual([]);
    // An admin cannot erase themselves.
    expect(
      errorCode(
        await q(await s.inst.advisorToken(staffId), ERASE_STAFF, {
          input: { staffId, reason: 'REQUEST' },
        }),
      ),
    ).toBeDefined();
  });

  it("destroys the student's data key: the log keeps ciphertext only, every read of it comes back erased", async () => {
    expect(t.app.get(DATA_KEYS, { strict: false })).toBeDefined();
    const [key] = await rows(
      `SELECT wrapped_key, destroyed_at FROM data_keys WHERE tenant_id = $1 AND owner_id = $2`,
      [studentId],
    );
    expect(key.wrapped_key).toBeNull();
    expect(key.destroyed_at).not.toBeNull();
    const raw = await rows(`SELECT data::text AS data FROM events WHERE tenant_id = $1`);
    expect(raw.filter((r: { data: string }) => r.data.includes('Quokka'))).toEqual([]);
    const events = await t.app.get(EventStore).readStream(s.inst.tenantId, `student-${studentId}`);
    const registered = events.find((e) => e.type === 'StudentRegistered');
    expect((registered?.data as { personal: unknown }).personal).toEqual({
      name: 'Erased student',
      email: '',
    });
  });
});
