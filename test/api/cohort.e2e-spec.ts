import { newInstitution, newStaff } from '../support/builders';
import { errorCode, graphql, ok } from '../support/graphql';
import { startTestApp, type TestApp } from '../support/test-app';

const CREATE = `mutation($input: CreateCohortInput!) {
  createCohort(input: $input) { clientMutationId cohort { id name term startDate endDate interviewTargetOverride advisorIds studentIds enrolledCount version } }
}`;
const UPDATE = `mutation($input: UpdateCohortInput!) { updateCohort(input: $input) { cohort { name term interviewTargetOverride version } } }`;
const ENROLL = `mutation($input: EnrollStudentsInput!) {
  enrollStudents(input: $input) {
    clientMutationId
    cohort { id enrolledCount studentIds version }
    accepted { row studentId name email }
    rejected { row email reason }
  }
}`;
const STUDENT = `query($id: ID!) { student(id: $id) { id cohortId name email careerInterests digestPreference version } }`;

type Inst = Awaited<ReturnType<typeof newInstitution>>;

describe('cohorts', () => {
  let t: TestApp;
  let inst: Inst;

  beforeAll(async () => {
    t = await startTestApp();
    inst = await newInstitution(t);
  });
  afterAll(() => t.close());

  async function createCohort(name = 'Fall Explorers'): Promise<string> {
    return ok(
      await graphql(t.app, inst.adminToken, CREATE, {
        input: { name, term: 'Fall 2025', startDate: '2025-09-01', endDate: '2025-12-15' },
      }),
    ).createCohort.cohort.id;
  }

  const events = (sql: string, params: unknown[] = []) =>
    t.db.app.database.withTenant(inst.tenantId, (tx) =>
      tx.query<{ stream_id: string; type: string }>(sql, params),
    );

  it('lets an admin create and update a cohort and manage its advisors', async () => {
    const created = ok(
      await graphql(t.app, inst.adminToken, CREATE, {
        input: {
          name: ' Health Careers ',
          term: 'Fall 2025',
          startDate: '2025-09-01',
          endDate: '2025-12-15',
          interviewTargetOverride: 4,
        },
      }),
    ).createCohort.cohort;
    expect(created).toMatchObject({
      name: 'Health Careers',
      interviewTargetOverride: 4,
      advisorIds: [],
      studentIds: [],
      enrolledCount: 0,
      version: 1,
    });

    const updated = ok(
      await graphql(t.app, inst.adminToken, UPDATE, {
        input: {
          cohortId: created.id,
          term: 'Spring 2026',
          interviewTargetOverride: null,
          expectedVersion: 1,
        },
      }),
    ).updateCohort.cohort;
    expect(updated).toEqual({
      name: 'Health Careers',
      term: 'Spring 2026',
      interviewTargetOverride: null,
      version: 2,
    });

    const assign = `mutation($input: AssignAdvisorInput!) { assignAdvisor(input: $input) { cohort { advisorIds version } } }`;
    const maria = (await newStaff(t, inst.adminToken)).staffId;
    expect(
      ok(
        await graphql(t.app, inst.adminToken, assign, {
          input: { cohortId: created.id, advisorId: maria },
        }),
      ).assignAdvisor.cohort,
    ).toEqual({
      advisorIds: [maria],
      version: 3,
    });
    const again = await graphql(t.app, inst.adminToken, assign, {
      input: { cohortId: created.id, advisorId: maria },
    });
    expect(errorCode(again)).toBe('BAD_USER_INPUT');
    const unassign = `mutation($input: UnassignAdvisorInput!) { unassignAdvisor(input: $input) { cohort { advisorIds } } }`;
    expect(
      ok(
        await graphql(t.app, inst.adminToken, unassign, {
          input: { cohortId: created.id, advisorId: maria },
        }),
      ).unassignAdvisor.cohort.advisorIds,
    ).toEqual([]);

    const badDates = await graphql(t.app, inst.adminToken, UPDATE, {
      input: { cohortId: created.id, endDate: '2025-01-01' },
    });
    expect(errorCode(badDates)).toBe('BAD_USER_INPUT');
    expect(badDates.errors?.[0].extensions?.field).toBe('endDate');
    expect(
      errorCode(
        await graphql(t.app, inst.adminToken, UPDATE, {
          input: { cohortId: 'no-such-cohort', name: 'X' },
        }),
      ),
    ).toBe('NOT_FOUND');

    const advisor = await inst.advisorToken('adv-1');
    const forbidden = await graphql(t.app, advisor, CREATE, {
      input: { name: 'Mine', term: 'T', startDate: '2025-09-01', endDate: '2025-12-15' },
    });
    expect(errorCode(forbidden)).toBe('FORBIDDEN');
  });

  it('enrols the good rows of a roster and reports each bad row with its reason', async () => {
    const cohortId = await createCohort();
    const first = ok(
      await graphql(t.app, inst.adminToken, ENROLL, {
        input: {
          cohortId,
          rows: [
            { name: 'Ana Diaz', email: ' Ana@Example.edu ' },
            { name: 'Ben Okafor', email: 'not-an-email' },
            { name: 'Ana Again', email: 'ana@example.edu' },
            { name: '  ', email: 'nameless@example.edu' },
            { name: 'Cy Young', email: 'cy@example.edu' },
          ],
        },
      }),
    ).enrollStudents;
    expect(first.accepted.map((a: any) => [a.row, a.name, a.email])).toEqual([
      [0, 'Ana Diaz', 'ana@example.edu'],
      [4, 'Cy Young', 'cy@example.edu'],
    ]);
    expect(first.rejected).toEqual([
      { row: 1, email: 'not-an-email', reason: 'INVALID_EMAIL' },
      { row: 2, email: 'ana@example.edu', reason: 'DUPLICATE_IN_BATCH' },
      { row: 3, email: 'nameless@example.edu', reason: 'MISSING_NAME' },
    ]);
    expect(first.cohort).toMatchObject({ id: cohortId, enrolledCount: 2, version: 3 });

    const second = ok(
      await graphql(t.app, inst.adminToken, ENROLL, {
        input: {
          cohortId,
          rows: [
            { name: 'Ana Diaz', email: 'ANA@example.edu' },
            { name: 'Dee Park', email: 'dee@example.edu' },
          ],
        },
      }),
    ).enrollStudents;
    expect(second.rejected).toEqual([
      { row: 0, email: 'ANA@example.edu', reason: 'ALREADY_ENROLLED' },
    ]);
    expect(second.accepted).toHaveLength(1);
    expect(second.cohort.enrolledCount).toBe(3);

    // Each new student has their own record, in this cohort, with the weekly digest on.
    for (const { studentId, name, email } of [...first.accepted, ...second.accepted]) {
      expect(ok(await graphql(t.app, inst.adminToken, STUDENT, { id: studentId })).student).toEqual(
        {
          id: studentId,
          cohortId,
          name,
          email,
          careerInterests: [],
          digestPreference: 'weekly',
          version: 1,
        },
      );
    }
    expect(first.cohort.studentIds).toEqual(first.accepted.map((a: any) => a.studentId));
  });

  it('refuses more than 1,000 rows with BAD_USER_INPUT and enrols nobody', async () => {
    const cohortId = await createCohort();
    const rows = Array.from({ length: 1001 }, (_, i) => ({
      name: `Student ${i}`,
      email: `s${i}@example.edu`,
    }));
    const result = await graphql(t.app, inst.adminToken, ENROLL, { input: { cohortId, rows } });
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(
      await events(`SELECT type FROM events WHERE stream_id = $1`, [`cohort-${cohortId}`]),
    ).toHaveLength(1);
  });

  it('enrols a full roster of 1,000 rows in one go', async () => {
    const cohortId = await createCohort();
    const rows = Array.from({ length: 1000 }, (_, i) => ({
      name: `Student ${i}`,
      email: `full${i}@example.edu`,
    }));
    const { enrollStudents } = ok(
      await graphql(t.app, inst.adminToken, ENROLL, { input: { cohortId, rows } }),
    );
    expect(enrollStudents.accepted).toHaveLength(1000);
    expect(enrollStudents.cohort.enrolledCount).toBe(1000);
    const [{ count }] = await t.db.app.database.withTenant(inst.tenantId, (tx) =>
      tx.query<{ count: string }>(
        `SELECT count(*) FROM aggregate_states WHERE kind = 'student' AND cohort_id = $1`,
        [cohortId],
      ),
    );
    expect(Number(count)).toBe(1000);
  });

  it('answers a retried enrolment with the first report and enrols nobody twice', async () => {
    const cohortId = await createCohort();
    const input = {
      clientMutationId: 'roster-upload-1',
      cohortId,
      rows: [
        { name: 'Eve Stone', email: 'eve@example.edu' },
        { name: 'Finn Hale', email: 'finn@example.edu' },
        { name: 'Bad Row', email: 'nope' },
      ],
    };
    const first = ok(await graphql(t.app, inst.adminToken, ENROLL, { input })).enrollStudents;
    const retry = ok(await graphql(t.app, inst.adminToken, ENROLL, { input })).enrollStudents;
    expect(retry).toEqual(first);
    expect(first.clientMutationId).toBe('roster-upload-1');
    expect(first.accepted).toHaveLength(2);

    const enrolled = await events(
      `SELECT type FROM events WHERE stream_id = $1 AND type = 'StudentEnrolled'`,
      [`cohort-${cohortId}`],
    );
    expect(enrolled).toHaveLength(2);
    const registered = await events(
      `SELECT stream_id FROM events WHERE type = 'StudentRegistered' AND stream_id = ANY($1)`,
      [first.accepted.map((a: any) => `student-${a.studentId}`)],
    );
    expect(registered).toHaveLength(2);
  });

  it('lets exactly one of two concurrent updates with the same expectedVersion win', async () => {
    const cohortId = await createCohort();
    const results = await Promise.all(
      ['Name A', 'Name B'].map((name) =>
        graphql(t.app, inst.adminToken, UPDATE, { input: { cohortId, name, expectedVersion: 1 } }),
      ),
    );
    const codes = results.map((r) => errorCode(r) ?? 'OK').sort();
    expect(codes).toEqual(['CONFLICT', 'OK']);
    const winner = results.find((r) => !r.errors)!.data!.updateCohort.cohort;
    expect(winner.version).toBe(2);
    const conflict = results.find((r) => r.errors)!;
    expect(conflict.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', expectedVersion: 1 });

    // A wider race: still exactly one winner, every loser a CONFLICT.
    const many = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        graphql(t.app, inst.adminToken, UPDATE, {
          input: { cohortId, name: `Racer ${i}`, expectedVersion: 2 },
        }),
      ),
    );
    expect(many.map((r) => errorCode(r) ?? 'OK').sort()).toEqual([
      'CONFLICT',
      'CONFLICT',
      'CONFLICT',
      'CONFLICT',
      'CONFLICT',
      'OK',
    ]);
  });

  it('withdraws a student and shows each role the cohorts it may see', async () => {
    const cohortId = await createCohort('Visible Cohort');
    const otherId = await createCohort('Other Cohort');
    const { accepted } = ok(
      await graphql(t.app, inst.adminToken, ENROLL, {
        input: {
          cohortId,
          rows: [
            { name: 'Gus Lane', email: 'gus@example.edu' },
            { name: 'Hal Ames', email: 'hal@example.edu' },
          ],
        },
      }),
    ).enrollStudents;
    const visible = await newStaff(t, inst.adminToken);
    await graphql(
      t.app,
      inst.adminToken,
      `
        mutation ($input: AssignAdvisorInput!) {
          assignAdvisor(input: $input) {
            cohort {
              id
            }
          }
        }
      `,
      {
        input: { cohortId, advisorId: visible.staffId },
      },
    );

    const LIST = `query { cohorts { id name advisorIds studentIds enrolledCount } }`;
    const adminIds = ok(await graphql(t.app, inst.adminToken, LIST)).cohorts.map((c: any) => c.id);
    expect(adminIds).toEqual(expect.arrayContaining([cohortId, otherId]));
    const advisor = visible.token;
    expect(ok(await graphql(t.app, advisor, LIST)).cohorts.map((c: any) => c.id)).toEqual([
      cohortId,
    ]);
    expect(
      errorCode(
        await graphql(
          t.app,
          advisor,
          `
            query ($id: ID!) {
              cohort(id: $id) {
                id
              }
            }
          `,
          { id: otherId },
        ),
      ),
    ).toBe('FORBIDDEN');

    const gus = await inst.studentToken(accepted[0].studentId);
    expect(ok(await graphql(t.app, gus, LIST)).cohorts).toEqual([
      {
        id: cohortId,
        name: 'Visible Cohort',
        advisorIds: [visible.staffId],
        studentIds: null,
        enrolledCount: 2,
      },
    ]);
    expect(
      errorCode(
        await graphql(
          t.app,
          gus,
          `
            query ($id: ID!) {
              cohort(id: $id) {
                id
              }
            }
          `,
          { id: otherId },
        ),
      ),
    ).toBe('FORBIDDEN');

    const WITHDRAW = `mutation($input: WithdrawStudentInput!) { withdrawStudent(input: $input) { cohort { studentIds enrolledCount } } }`;
    const withdrawn = ok(
      await graphql(t.app, inst.adminToken, WITHDRAW, {
        input: { cohortId, studentId: accepted[0].studentId },
      }),
    ).withdrawStudent.cohort;
    expect(withdrawn).toEqual({ studentIds: [accepted[1].studentId], enrolledCount: 1 });
    expect(ok(await graphql(t.app, gus, LIST)).cohorts).toEqual([]);
    expect(
      errorCode(
        await graphql(t.app, inst.adminToken, WITHDRAW, {
          input: { cohortId, studentId: accepted[0].studentId },
        }),
      ),
    ).toBe('NOT_FOUND');
    expect(
      errorCode(
        await graphql(t.app, gus, WITHDRAW, {
          input: { cohortId, studentId: accepted[1].studentId },
        }),
      ),
    ).toBe('FORBIDDEN');
  });
});
