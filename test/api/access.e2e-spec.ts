import { randomUUID } from 'node:crypto';
import { newInstitution } from '../support/builders';
import { errorCode, graphql, ok, tokenFor } from '../support/graphql';
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
    ok(
      await graphql(
        t.app,
        inst.adminToken,
        `
          mutation ($c: ID!) {
            assignAdvisor(input: { cohortId: $c, advisorId: "adv-1" }) {
              cohort {
                id
              }
            }
          }
        `,
        { c: cohortId },
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
    const advisor = await inst.advisorToken('adv-1');
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
