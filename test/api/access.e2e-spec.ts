import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { newInstitution, newStaff } from '../support/builders';
import { errorCode, graphql, type GraphqlResult, ok, tokenFor } from '../support/graphql';
import { caughtUp } from '../support/projections';
import { startTestApp, type TestApp } from '../support/test-app';

const STUDENT = `query($id: ID!) { student(id: $id) { id } }`;

describe('access edges', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('rejects a validly signed token for an institution that does not exist, writing nothing', async () => {
    const token = await tokenFor(t.app, {
      subject: 'ghost',
      tenantId: randomUUID(),
      role: 'admin',
    });
    const result = await graphql(
      t.app,
      token,
      `
        mutation {
          createCohort(
            input: { name: "X", term: "T", startDate: "2026-01-01", endDate: "2026-05-01" }
          ) {
            cohort {
              id
            }
          }
        }
      `,
    );
    expect(errorCode(result)).toBe('UNAUTHENTICATED');
    const events = await t.db.worker.database.withoutTenant((tx) =>
      tx.query(`SELECT * FROM rapport_read_all_events('0', 0, 10)`),
    );
    expect(events).toEqual([]);
  });

  it('stops an advisor reading a student once the student has withdrawn from their cohort', async () => {
    const inst = await newInstitution(t);
    const cohortId = ok(
      await graphql(
        t.app,
        inst.adminToken,
        `
          mutation {
            createCohort(
              input: { name: "C", term: "Fall", startDate: "2026-09-01", endDate: "2026-12-15" }
            ) {
              cohort {
                id
              }
            }
          }
        `,
      ),
    ).createCohort.cohort.id;
    const staff = await newStaff(t, inst.adminToken);
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
        { c: cohortId, a: staff.staffId },
      ),
    );
    const [studentId] = ok(
      await graphql(
        t.app,
        inst.adminToken,
        `
          mutation ($c: ID!) {
            enrollStudents(
              input: { cohortId: $c, rows: [{ name: "Ada", email: "ada@example.org" }] }
            ) {
              accepted {
                studentId
              }
            }
          }
        `,
        { c: cohortId },
      ),
    ).enrollStudents.accepted.map((a: { studentId: string }) => a.studentId);
    const advisor = staff.token;
    ok(await graphql(t.app, advisor, STUDENT, { id: studentId }));

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
        { c: cohortId, s: studentId },
      ),
    );
    expect(errorCode(await graphql(t.app, advisor, STUDENT, { id: studentId }))).toBe('FORBIDDEN');
  });
});

const ADA = { name: 'Ada Withdrawn', email: 'ada.withdrawn@example.edu' };
const ADA_CONTACT = 'Pat Ada-Contact';
const NOTE = 'Private: discussed family matters';

/** `mutation($input: XInput!) { x(input: $input) { clientMutationId } }` */
function mutation(name: string): string {
  const input = `${name[0].toUpperCase()}${name.slice(1)}Input`;
  return `mutation($input: ${input}!) { ${name}(input: $input) { clientMutationId } }`;
}

const cursor = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');
const FORGED = [
  cursor({ at: 'x', position: 'y' }),
  cursor([]),
  cursor('a'),
  cursor({ id: 5 }),
  cursor({ at: '2026-02-30T00:00:00.000Z', position: 1 }),
  cursor(null),
  'not a cursor at all!',
];

const nodes = (connection: { edges: { node: any }[] }) => connection.edges.map((e) => e.node);

/**
 * One cohort with an advisor and three students; Ada recorded a contact, an interview request and
 * got a note, then was withdrawn. `before` is an instant when she was still enrolled.
 */
describe('who sees which student (ADR 13)', () => {
  let t: TestApp;
  let inst: Awaited<ReturnType<typeof newInstitution>>;
  let cohortId: string;
  let advisor: string;
  let ada: string;
  let bo: string;
  let cy: string;
  let adaToken: string;
  let boToken: string;
  let adaContact: string;
  let adaInterview: string;
  let before: Date;

  const run = async (token: string, name: string, input: Record<string, unknown>) =>
    ok(
      await graphql(
        t.app,
        token,
        `mutation($input: ${name[0].toUpperCase()}${name.slice(1)}Input!) { ${name}(input: $input) { ${
          name === 'addContact'
            ? 'contact { id }'
            : name === 'sendInterviewRequest'
              ? 'interview { id }'
              : 'clientMutationId'
        } } }`,
        { input },
      ),
    )[name];
  const get = (path: string, token: string) =>
    request(t.app.getHttpServer()).get(path).set('Authorization', `Bearer ${token}`);
  const eventCount = async () =>
    (
      await t.db.app.database.withTenant(inst.tenantId, (tx) =>
        tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM events`),
      )
    )[0].n;
  const expectNoTraceOfAda = (result: GraphqlResult | string) => {
    const text = typeof result === 'string' ? result : JSON.stringify(result);
    for (const secret of [ada, ADA.name, ADA.email, ADA_CONTACT, NOTE])
      expect(text).not.toContain(secret);
  };
  const contacted = async (token: string, name: string) => {
    const contactId = (
      await run(token, 'addContact', {
        name,
        relationship: 'friend',
        organization: 'Acme Health',
        role: 'Nurse Manager',
      })
    ).contact.id as string;
    const interviewId = (
      await run(token, 'sendInterviewRequest', {
        contactId,
        channel: 'email',
        proposedFormats: ['coffee'],
      })
    ).interview.id as string;
    return { contactId, interviewId };
  };

  beforeAll(async () => {
    t = await startTestApp();
    inst = await newInstitution(t);
    cohortId = ok(
      await graphql(
        t.app,
        inst.adminToken,
        `
          mutation {
            createCohort(
              input: { name: "C", term: "Fall", startDate: "2026-09-01", endDate: "2026-12-15" }
            ) {
              cohort {
                id
              }
            }
          }
        `,
      ),
    ).createCohort.cohort.id;
    const staff = await newStaff(t, inst.adminToken);
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
        { c: cohortId, a: staff.staffId },
      ),
    );
    advisor = staff.token;
    [ada, bo, cy] = ok(
      await graphql(
        t.app,
        inst.adminToken,
        `
          mutation ($input: EnrollStudentsInput!) {
            enrollStudents(input: $input) {
              accepted {
                studentId
              }
            }
          }
        `,
        {
          input: {
            cohortId,
            rows: [
              ADA,
              { name: 'Bo Stays', email: 'bo@example.edu' },
              { name: 'Cy Stays', email: 'cy@example.edu' },
            ],
          },
        },
      ),
    ).enrollStudents.accepted.map((a: { studentId: string }) => a.studentId);
    adaToken = await inst.studentToken(ada);
    boToken = await inst.studentToken(bo);
    ({ contactId: adaContact, interviewId: adaInterview } = await contacted(adaToken, ADA_CONTACT));
    await contacted(boToken, 'Lee Bo-Contact');
    for (const studentId of [ada, bo])
      await run(advisor, 'addAdvisorNote', { studentId, text: NOTE });
    await caughtUp(t.app);

    before = new Date();
    // The withdrawal must be recorded strictly after `before` (clock, not a race).
    while (Date.now() <= before.getTime()) await new Promise((r) => setImmediate(r));
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
        { c: cohortId, s: ada },
      ),
    );
    await caughtUp(t.app);
  });
  afterAll(() => t.close());

  describe('rule 1: a withdrawn student is gone for advisors, in every mode', () => {
    it('student(id) and every root read about the student answer FORBIDDEN', async () => {
      const reads: [string, Record<string, unknown>][] = [
        [`query($id: ID!) { student(id: $id) { name email } }`, { id: ada }],
        [`query($id: ID!) { contacts(studentId: $id) { edges { node { name } } } }`, { id: ada }],
        [`query($id: ID!) { interviews(studentId: $id) { edges { node { id } } } }`, { id: ada }],
        [`query($id: ID!) { contact(id: $id) { name } }`, { id: adaContact }],
        [`query($id: ID!) { interview(id: $id) { id } }`, { id: adaInterview }],
        [`query($id: ID!) { advisorNotes(studentId: $id) { text } }`, { id: ada }],
      ];
      for (const [query, variables] of reads) {
        const result = await graphql(t.app, advisor, query, variables);
        expect(errorCode(result)).toBe('FORBIDDEN');
        expectNoTraceOfAda(result);
      }
    });

    it('cohort.students(asOf:) leaves her out, and so do the nested fields; the dashboard still counts her then', async () => {
      // Two queries: one would exceed the cost limit.
      const lists = `query($id: ID!, $asOf: DateTime) { cohort(id: $id) {
        dashboard(asOf: $asOf) { students withdrawn }
        students(asOf: $asOf, first: 100) { totalCount edges { node {
          id name email enrolled
          contacts { totalCount edges { node { name } } }
          interviews { totalCount edges { node { id } } }
        } } }
      } }`;
      const history = `query($id: ID!, $asOf: DateTime) { cohort(id: $id) {
        students(asOf: $asOf, first: 100) { edges { node {
          id
          timeline { totalCount }
          referralNetwork { maxDepth }
          progress(asOf: $asOf) { enrolled }
        } } }
      } }`;
      for (const asOf of [before.toISOString(), null]) {
        const result = await graphql(t.app, advisor, lists, { id: cohortId, asOf });
        const cohort = ok(result).cohort;
        expect(
          nodes(cohort.students)
            .map((s) => s.id)
            .sort(),
        ).toEqual([bo, cy].sort());
        expect(cohort.students.totalCount).toBe(2);
        expectNoTraceOfAda(result);
        // Time travel may say she was there, in counts only.
        expect(cohort.dashboard).toEqual(
          asOf ? { students: 3, withdrawn: 0 } : { students: 2, withdrawn: 1 },
        );
        const nested = await graphql(t.app, advisor, history, { id: cohortId, asOf });
        expect(
          nodes(ok(nested).cohort.students)
            .map((s) => s.id)
            .sort(),
        ).toEqual([bo, cy].sort());
        expectNoTraceOfAda(nested);
      }
      // Admins manage the records: she is listed as she was, marked as no longer enrolled.
      const admin = ok(
        await graphql(t.app, inst.adminToken, lists, { id: cohortId, asOf: before.toISOString() }),
      ).cohort;
      const her = nodes(admin.students).find((s) => s.id === ada);
      expect(her).toMatchObject({ name: ADA.name, enrolled: false });
      expect(nodes(her.contacts).map((c) => c.name)).toEqual([ADA_CONTACT]);
    });

    it('advisorDashboard(asOf:) leaves her out, nested fields included; admins still see her', async () => {
      const query = `query($asOf: DateTime) { advisorDashboard(asOf: $asOf, first: 100) {
        totalCount edges { node { risk { score } student {
          id name email enrolled
          contacts { edges { node { name } } }
          timeline { totalCount }
        } } }
      } }`;
      for (const asOf of [before.toISOString(), null]) {
        const result = await graphql(t.app, advisor, query, { asOf });
        const ids = nodes(ok(result).advisorDashboard).map((n) => n.student.id);
        expect(ids.sort()).toEqual([bo, cy].sort());
        expect(ok(result).advisorDashboard.totalCount).toBe(2);
        expectNoTraceOfAda(result);
      }
      const admin = ok(
        await graphql(t.app, inst.adminToken, query, { asOf: before.toISOString() }),
      );
      const her = nodes(admin.advisorDashboard).find((n) => n.student.id === ada);
      expect(her.student).toMatchObject({ name: ADA.name, enrolled: false });
    });

    it('sharedProfessionals counts only the students the caller may see', async () => {
      const query = `{ sharedProfessionals { totalCount edges { node { organization role studentIds } } } }`;
      const result = await graphql(t.app, advisor, query);
      // Only Bo is left at Acme for this advisor: no longer shared.
      expect(ok(result).sharedProfessionals.totalCount).toBe(0);
      expectNoTraceOfAda(result);
      const admin = nodes(ok(await graphql(t.app, inst.adminToken, query)).sharedProfessionals);
      expect(admin).toEqual([
        { organization: 'acme health', role: 'nurse manager', studentIds: [ada, bo].sort() },
      ]);
    });

    it('CSV exports with ?asOf= leave her out for the advisor; the dashboard CSV counts her then', async () => {
      const asOf = encodeURIComponent(before.toISOString());
      const roster = await get(`/exports/cohorts/${cohortId}.csv?asOf=${asOf}`, advisor).expect(
        200,
      );
      expectNoTraceOfAda(roster.text);
      expect(roster.text).toContain('Bo Stays');
      const live = await get(`/exports/cohorts/${cohortId}.csv`, advisor).expect(200);
      expectNoTraceOfAda(live.text);
      const dashboard = await get(
        `/exports/cohorts/${cohortId}/dashboard.csv?asOf=${asOf}`,
        advisor,
      ).expect(200);
      expect(dashboard.text).toContain('cohort,students,3\r\n');
      expectNoTraceOfAda(dashboard.text);
      const admin = await get(
        `/exports/cohorts/${cohortId}.csv?asOf=${asOf}`,
        inst.adminToken,
      ).expect(200);
      expect(admin.text).toContain(ADA.email);
    });
  });

  describe('rule 2: a student token acts only for an enrolled student', () => {
    const writes = (own: {
      contactId: string;
      interviewId: string;
    }): [string, Record<string, unknown>][] => {
      const soon = new Date(Date.now() + 86_400_000).toISOString();
      const past = new Date(Date.now() - 3_600_000).toISOString();
      const i = own.interviewId;
      return [
        ['updateStudentProfile', { name: 'Someone Else' }],
        ['setDigestPreference', { preference: 'off' }],
        ['addContact', { name: 'New Person', relationship: 'friend' }],
        ['updateContact', { contactId: own.contactId, role: 'Chief' }],
        ['archiveContact', { contactId: own.contactId }],
        [
          'sendInterviewRequest',
          { contactId: own.contactId, channel: 'email', proposedFormats: ['coffee'] },
        ],
        ['nudgeInterviewRequest', { interviewId: i }],
        ['recordInterviewAcceptance', { interviewId: i }],
        ['recordInterviewDecline', { interviewId: i }],
        ['closeUnansweredRequest', { interviewId: i }],
        [
          'scheduleInterview',
          { interviewId: i, scheduledFor: soon, format: 'coffee', durationMinutes: 30 },
        ],
        ['rescheduleInterview', { interviewId: i, scheduledFor: soon }],
        ['cancelInterview', { interviewId: i, cancelledBy: 'student' }],
        ['recordNoShow', { interviewId: i, missedBy: 'contact' }],
        ['recordPreparation', { interviewId: i }],
        ['recordInterviewHeld', { interviewId: i, heldAt: past }],
        ['recordInterviewHeld', { contactId: own.contactId, heldAt: past }],
        ['recordThankYou', { interviewId: i, channel: 'email' }],
        ['recordReferrals', { interviewId: i, referrals: [{ name: 'Ref Person' }] }],
        ['requestShadowing', { interviewId: i, kind: 'shadowing' }],
        ['recordTouchpoint', { interviewId: i, kind: 'shared_article' }],
      ];
    };

    it('a withdrawn student records nothing (FORBIDDEN) but still takes their data away', async () => {
      const events = await eventCount();
      for (const [name, input] of writes({ contactId: adaContact, interviewId: adaInterview })) {
        const result = await graphql(t.app, adaToken, mutation(name), { input });
        expect([name, errorCode(result)]).toEqual([name, 'FORBIDDEN']);
        expect(result.errors![0].message).toMatch(/not enrolled/);
      }
      expect(await eventCount()).toBe(events);
      const mine = await get('/exports/me.json', adaToken).expect(200);
      expect(JSON.parse(mine.text).contacts.map((c: { name: string }) => c.name)).toEqual([
        ADA_CONTACT,
      ]);
    });

    it('a token naming a student never enrolled records nothing (FORBIDDEN)', async () => {
      const ghost = await inst.studentToken(randomUUID());
      const events = await eventCount();
      for (const [name, input] of writes({ contactId: adaContact, interviewId: adaInterview })) {
        expect([name, errorCode(await graphql(t.app, ghost, mutation(name), { input }))]).toEqual([
          name,
          'FORBIDDEN',
        ]);
      }
      expect(await eventCount()).toBe(events);
    });
  });

  describe('rule 3: advisor notes are invisible to students', () => {
    const TIMELINE = `query($id: ID!) { student(id: $id) { timeline(first: 100) { totalCount edges { node { kind title detail } } } } }`;

    it("leaves no trace of a note in the student's timeline, count or export; staff see it", async () => {
      const own = ok(await graphql(t.app, boToken, TIMELINE, { id: bo })).student.timeline;
      expect(JSON.stringify(own)).not.toMatch(/AdvisorNote|note/i);
      expect(own.totalCount).toBe(own.edges.length);
      const staff = ok(await graphql(t.app, advisor, TIMELINE, { id: bo })).student.timeline;
      expect(nodes(staff).map((e) => e.kind)).toContain('AdvisorNoteAdded');
      expect(staff.totalCount).toBe(own.totalCount + 1);

      const exported = await get('/exports/me.json', boToken).expect(200);
      expect(exported.text).not.toMatch(/AdvisorNote|Advisor added a note/);
      expect(exported.text).not.toContain(NOTE);
      expect(JSON.parse(exported.text).timeline).toHaveLength(own.totalCount);
    });
  });

  describe('rule 12: lists that can grow take first/after with a maximum', () => {
    it('refuses first over the maximum with BAD_USER_INPUT on every paged list', async () => {
      for (const [query, variables] of [
        [
          `query($id: ID!) { student(id: $id) { contacts(first: 101) { totalCount } } }`,
          { id: bo },
        ],
        [
          `query($id: ID!) { student(id: $id) { interviews(first: 101) { totalCount } } }`,
          { id: bo },
        ],
        [`query($id: ID!) { contacts(studentId: $id, first: 101) { totalCount } }`, { id: bo }],
        [`query($id: ID!) { interviews(studentId: $id, first: 101) { totalCount } }`, { id: bo }],
        [`{ advisorDashboard(first: 101) { totalCount } }`, {}],
        [`{ sharedProfessionals(first: 101) { totalCount } }`, {}],
        [`{ advisorDashboard(first: 0) { totalCount } }`, {}],
      ] as const) {
        expect([query, errorCode(await graphql(t.app, advisor, query, variables))]).toEqual([
          query,
          'BAD_USER_INPUT',
        ]);
      }
    });

    it('pages contacts, interviews and the advisor dashboard without overlap', async () => {
      for (const name of ['Three', 'Four']) await contacted(boToken, `Bo Contact ${name}`);
      for (const [field, query] of [
        [
          'contacts',
          `query($id: ID!, $after: String) { contacts(studentId: $id, first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }`,
        ],
        [
          'interviews',
          `query($id: ID!, $after: String) { student(id: $id) { interviews(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } } }`,
        ],
        [
          'advisorDashboard',
          `query($after: String) { advisorDashboard(first: 1, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { student { id } } } } }`,
        ],
      ] as const) {
        const seen: string[] = [];
        let after: string | null = null;
        let total = 0;
        for (let page = 0; page < 10; page++) {
          const data: any = ok(await graphql(t.app, advisor, query, { id: bo, after }));
          const connection = field === 'interviews' ? data.student.interviews : data[field];
          total = connection.totalCount;
          seen.push(...nodes(connection).map((n) => n.id ?? n.student.id));
          if (!connection.pageInfo.hasNextPage) break;
          after = connection.pageInfo.endCursor;
        }
        expect([field, seen.length]).toEqual([field, total]);
        expect(new Set(seen).size).toBe(total);
        expect(total).toBeGreaterThanOrEqual(2);
      }
    });
  });

  describe('rule 13: a forged cursor is BAD_USER_INPUT, never a server error', () => {
    it('on the timeline and on every other paged list', async () => {
      // Lists paged in memory also refuse a cursor naming no item (a client would start over).
      const lists: [string, boolean][] = [
        [
          `query($id: ID!, $after: String) { student(id: $id) { timeline(after: $after) { totalCount } } }`,
          true,
        ],
        [
          `query($id: ID!, $after: String) { student(id: $id) { contacts(after: $after) { totalCount } } }`,
          false,
        ],
        [
          `query($id: ID!, $after: String) { student(id: $id) { interviews(after: $after) { totalCount } } }`,
          false,
        ],
        [
          `query($id: ID!, $after: String) { contacts(studentId: $id, after: $after) { totalCount } }`,
          false,
        ],
        [
          `query($id: ID!, $after: String) { interviews(studentId: $id, after: $after) { totalCount } }`,
          false,
        ],
        [
          `query($c: ID!, $after: String) { cohort(id: $c) { students(after: $after) { totalCount } } }`,
          true,
        ],
        [`query($after: String) { advisorDashboard(after: $after) { totalCount } }`, true],
        [`query($after: String) { sharedProfessionals(after: $after) { totalCount } }`, true],
      ];
      for (const [query, unknownIdIsBad] of lists) {
        const forged = unknownIdIsBad ? [...FORGED, cursor({ id: 'no-such-item' })] : FORGED;
        for (const after of forged) {
          const result = await graphql(t.app, advisor, query, { id: bo, c: cohortId, after });
          expect([query, after, errorCode(result)]).toEqual([query, after, 'BAD_USER_INPUT']);
        }
      }
    });
  });
});
