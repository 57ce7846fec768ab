import { randomUUID } from 'node:crypto';
import { newInstitution, newStaff } from '../support/builders';
import { errorCode, graphql, ok, tokenFor } from '../support/graphql';
import { startTestApp, type TestApp } from '../support/test-app';

const STUDENT = `query($id: ID!) { student(id: $id) { id name } }`;
const COHORT = `query($id: ID!) { cohort(id: $id) { id name version } }`;
const ME = `query { me { subject role tenantId student { id cohortId name } } }`;
const UPDATE_COHORT = `mutation($input: UpdateCohortInput!) { updateCohort(input: $input) { cohort { id } } }`;
const ENROLL = `mutation($input: EnrollStudentsInput!) { enrollStudents(input: $input) { accepted { studentId } rejected { row } } }`;
const ASSIGN = `mutation($input: AssignAdvisorInput!) { assignAdvisor(input: $input) { cohort { id } } }`;
const UNASSIGN = `mutation($input: UnassignAdvisorInput!) { unassignAdvisor(input: $input) { cohort { id } } }`;
const ADD_NOTE = `mutation($input: AddAdvisorNoteInput!) { addAdvisorNote(input: $input) { note { id } } }`;
const NOTES = `query($studentId: ID!) { advisorNotes(studentId: $studentId) { id } }`;

type Inst = Awaited<ReturnType<typeof newInstitution>>;

interface World {
  inst: Inst;
  cohortId: string;
  otherCohortId: string;
  /** Two students in the advised cohort, one in the other cohort. */
  students: [string, string, string];
  advisorId: string;
}

describe('roles and tenancy', () => {
  let t: TestApp;
  let a: World;
  let b: World;

  /** An institution with an advised cohort of two students and an unadvised one of one. */
  async function world(): Promise<World> {
    const inst = await newInstitution(t);
    const create = async (name: string) =>
      ok(
        await graphql(
          t.app,
          inst.adminToken,
          `
            mutation ($input: CreateCohortInput!) {
              createCohort(input: $input) {
                cohort {
                  id
                }
              }
            }
          `,
          {
            input: { name, term: 'Fall 2025', startDate: '2025-09-01', endDate: '2025-12-15' },
          },
        ),
      ).createCohort.cohort.id as string;
    const cohortId = await create('Advised');
    const otherCohortId = await create('Unadvised');
    const enroll = async (cohort: string, rows: { name: string; email: string }[]) =>
      ok(
        await graphql(t.app, inst.adminToken, ENROLL, { input: { cohortId: cohort, rows } }),
      ).enrollStudents.accepted.map((a: { studentId: string }) => a.studentId) as string[];
    const [s1, s2] = await enroll(cohortId, [
      { name: 'Ada One', email: 'ada@example.edu' },
      { name: 'Bo Two', email: 'bo@example.edu' },
    ]);
    const [s3] = await enroll(otherCohortId, [{ name: 'Cal Three', email: 'cal@example.edu' }]);
    const { staffId: advisorId } = await newStaff(t, inst.adminToken);
    ok(await graphql(t.app, inst.adminToken, ASSIGN, { input: { cohortId, advisorId } }));
    return { inst, cohortId, otherCohortId, students: [s1, s2, s3], advisorId };
  }

  beforeAll(async () => {
    t = await startTestApp();
    a = await world();
    b = await world();
  });
  afterAll(() => t.close());

  describe('students', () => {
    it('see their own record and cohort, nothing of other students', async () => {
      const token = await a.inst.studentToken(a.students[0]);
      expect(ok(await graphql(t.app, token, STUDENT, { id: a.students[0] })).student).toEqual({
        id: a.students[0],
        name: 'Ada One',
      });
      expect(ok(await graphql(t.app, token, ME)).me).toEqual({
        subject: `user-${a.students[0]}`,
        role: 'student',
        tenantId: a.inst.tenantId,
        student: { id: a.students[0], cohortId: a.cohortId, name: 'Ada One' },
      });
      expect(ok(await graphql(t.app, token, COHORT, { id: a.cohortId })).cohort.id).toBe(
        a.cohortId,
      );

      expect(errorCode(await graphql(t.app, token, STUDENT, { id: a.students[1] }))).toBe(
        'FORBIDDEN',
      );
      expect(errorCode(await graphql(t.app, token, COHORT, { id: a.otherCohortId }))).toBe(
        'FORBIDDEN',
      );
      expect(errorCode(await graphql(t.app, token, NOTES, { studentId: a.students[0] }))).toBe(
        'FORBIDDEN',
      );
      expect(
        errorCode(
          await graphql(t.app, token, UPDATE_COHORT, {
            input: { cohortId: a.cohortId, name: 'Ours' },
          }),
        ),
      ).toBe('FORBIDDEN');
      expect(
        errorCode(
          await graphql(t.app, token, ENROLL, {
            input: { cohortId: a.cohortId, rows: [{ name: 'Pal', email: 'pal@example.edu' }] },
          }),
        ),
      ).toBe('FORBIDDEN');
    });
  });

  describe('student self-service', () => {
    const PROFILE = `mutation($input: UpdateStudentProfileInput!) { updateStudentProfile(input: $input) { student { id name email pendingEmail careerInterests digestPreference version } } }`;
    const DIGEST = `mutation($input: SetDigestPreferenceInput!) { setDigestPreference(input: $input) { student { digestPreference version } } }`;

    it('lets a student change their own profile and digest, and nobody else', async () => {
      const w = await world();
      const token = await w.inst.studentToken(w.students[0]);
      const updated = ok(
        await graphql(t.app, token, PROFILE, {
          input: {
            careerInterests: ['Nursing', ' nursing ', 'Public health'],
            email: 'Ada.One@Example.edu',
            expectedVersion: 1,
          },
        }),
      ).updateStudentProfile.student;
      expect(updated).toEqual({
        id: w.students[0],
        name: 'Ada One',
        // A new email waits for confirmation from its link (email-change.e2e-spec.ts).
        email: 'ada@example.edu',
        pendingEmail: 'ada.one@example.edu',
        careerInterests: ['Nursing', 'Public health'],
        digestPreference: 'weekly',
        version: 3,
      });
      expect(
        ok(await graphql(t.app, token, DIGEST, { input: { preference: 'off' } }))
          .setDigestPreference.student,
      ).toEqual({ digestPreference: 'off', version: 4 });
      expect(
        errorCode(await graphql(t.app, token, PROFILE, { input: { email: 'not-an-email' } })),
      ).toBe('BAD_USER_INPUT');
      expect(
        errorCode(await graphql(t.app, token, DIGEST, { input: { preference: 'daily' } })),
      ).toBe('BAD_USER_INPUT');

      for (const other of [w.inst.adminToken, await w.inst.advisorToken(w.advisorId)]) {
        expect(
          errorCode(await graphql(t.app, other, PROFILE, { input: { name: 'Changed' } })),
        ).toBe('FORBIDDEN');
        expect(
          errorCode(await graphql(t.app, other, DIGEST, { input: { preference: 'weekly' } })),
        ).toBe('FORBIDDEN');
      }
      // The other student's record is theirs alone; a token only ever names its own.
      expect(
        ok(await graphql(t.app, w.inst.adminToken, STUDENT, { id: w.students[1] })).student.name,
      ).toBe('Bo Two');
    });
  });

  describe('advisors', () => {
    it('read students of the cohorts they are assigned to, and only while assigned', async () => {
      const w = await world();
      const token = await w.inst.advisorToken(w.advisorId);
      expect(ok(await graphql(t.app, token, ME)).me).toEqual({
        subject: w.advisorId,
        role: 'advisor',
        tenantId: w.inst.tenantId,
        student: null,
      });
      expect(ok(await graphql(t.app, token, STUDENT, { id: w.students[0] })).student.id).toBe(
        w.students[0],
      );
      expect(
        ok(await graphql(t.app, token, NOTES, { studentId: w.students[1] })).advisorNotes,
      ).toEqual([]);
      expect(ok(await graphql(t.app, token, COHORT, { id: w.cohortId })).cohort.id).toBe(
        w.cohortId,
      );

      expect(errorCode(await graphql(t.app, token, STUDENT, { id: w.students[2] }))).toBe(
        'FORBIDDEN',
      );
      expect(errorCode(await graphql(t.app, token, NOTES, { studentId: w.students[2] }))).toBe(
        'FORBIDDEN',
      );
      expect(
        errorCode(
          await graphql(t.app, token, ADD_NOTE, {
            input: { studentId: w.students[2], text: 'Hi' },
          }),
        ),
      ).toBe('FORBIDDEN');
      expect(errorCode(await graphql(t.app, token, COHORT, { id: w.otherCohortId }))).toBe(
        'FORBIDDEN',
      );
      expect(
        errorCode(
          await graphql(t.app, token, UPDATE_COHORT, {
            input: { cohortId: w.cohortId, name: 'Mine' },
          }),
        ),
      ).toBe('FORBIDDEN');
      expect(
        errorCode(
          await graphql(t.app, token, ASSIGN, {
            input: { cohortId: w.otherCohortId, advisorId: w.advisorId },
          }),
        ),
      ).toBe('FORBIDDEN');

      ok(
        await graphql(t.app, w.inst.adminToken, UNASSIGN, {
          input: { cohortId: w.cohortId, advisorId: w.advisorId },
        }),
      );
      expect(errorCode(await graphql(t.app, token, STUDENT, { id: w.students[0] }))).toBe(
        'FORBIDDEN',
      );
      expect(errorCode(await graphql(t.app, token, NOTES, { studentId: w.students[0] }))).toBe(
        'FORBIDDEN',
      );
      expect(errorCode(await graphql(t.app, token, COHORT, { id: w.cohortId }))).toBe('FORBIDDEN');
      expect(
        ok(
          await graphql(
            t.app,
            token,
            `
              query {
                cohorts {
                  id
                }
              }
            `,
          ),
        ).cohorts,
      ).toEqual([]);
    });
  });

  describe('admins', () => {
    it('read every student and cohort of their institution', async () => {
      for (const id of a.students)
        expect(ok(await graphql(t.app, a.inst.adminToken, STUDENT, { id })).student.id).toBe(id);
      expect(
        ok(await graphql(t.app, a.inst.adminToken, COHORT, { id: a.otherCohortId })).cohort.id,
      ).toBe(a.otherCohortId);
      expect(ok(await graphql(t.app, a.inst.adminToken, ME)).me).toMatchObject({
        role: 'admin',
        tenantId: a.inst.tenantId,
        student: null,
      });
      expect(
        errorCode(await graphql(t.app, a.inst.adminToken, STUDENT, { id: randomUUID() })),
      ).toBe('NOT_FOUND');
    });
  });

  describe('tenancy', () => {
    const directions = () =>
      [
        ['A', a, b],
        ['B', b, a],
      ] as const;

    it("answers another tenant's ids with NOT_FOUND for every role, in both directions", async () => {
      for (const [, own, other] of directions()) {
        const tokens = [
          own.inst.adminToken,
          await own.inst.advisorToken(own.advisorId),
          await own.inst.studentToken(own.students[0]),
        ];
        for (const token of tokens) {
          for (const id of other.students)
            expect(errorCode(await graphql(t.app, token, STUDENT, { id }))).toBe('NOT_FOUND');
          expect(errorCode(await graphql(t.app, token, COHORT, { id: other.cohortId }))).toBe(
            'NOT_FOUND',
          );
        }
        const [admin, advisor] = tokens;
        for (const token of [admin, advisor]) {
          expect(
            errorCode(await graphql(t.app, token, NOTES, { studentId: other.students[0] })),
          ).toBe('NOT_FOUND');
          expect(
            errorCode(
              await graphql(t.app, token, ADD_NOTE, {
                input: { studentId: other.students[0], text: 'Cross' },
              }),
            ),
          ).toBe('NOT_FOUND');
        }
        expect(
          errorCode(
            await graphql(t.app, admin, UPDATE_COHORT, {
              input: { cohortId: other.cohortId, name: 'Taken' },
            }),
          ),
        ).toBe('NOT_FOUND');
        expect(
          errorCode(
            await graphql(t.app, admin, ASSIGN, {
              input: { cohortId: other.cohortId, advisorId: own.advisorId },
            }),
          ),
        ).toBe('NOT_FOUND');
        expect(
          errorCode(
            await graphql(t.app, admin, ENROLL, {
              input: {
                cohortId: other.cohortId,
                rows: [{ name: 'Spy', email: 'spy@example.edu' }],
              },
            }),
          ),
        ).toBe('NOT_FOUND');
        const cohorts = ok(
          await graphql(
            t.app,
            admin,
            `
              query {
                cohorts {
                  id
                }
              }
            `,
          ),
        ).cohorts.map((c: any) => c.id);
        expect(cohorts).not.toContain(other.cohortId);
        expect(
          ok(
            await graphql(
              t.app,
              admin,
              `
                query {
                  institution {
                    id
                  }
                }
              `,
            ),
          ).institution.id,
        ).toBe(own.inst.tenantId);
      }
    });

    it('keeps a token whose tenant claim names B away from A, whatever else it claims', async () => {
      // Same subject and student id as A's people, but signed for tenant B.
      const asB = (actor: {
        subject: string;
        role: 'admin' | 'advisor' | 'student';
        studentId?: string;
      }) => tokenFor(t.app, { ...actor, tenantId: b.inst.tenantId });
      const adminOfA = await asB({ subject: `admin-${a.inst.slug}`, role: 'admin' });
      const advisorOfA = await asB({ subject: a.advisorId, role: 'advisor' });
      const studentOfA = await asB({
        subject: `user-${a.students[0]}`,
        role: 'student',
        studentId: a.students[0],
      });

      expect(errorCode(await graphql(t.app, adminOfA, STUDENT, { id: a.students[0] }))).toBe(
        'NOT_FOUND',
      );
      expect(errorCode(await graphql(t.app, advisorOfA, STUDENT, { id: a.students[0] }))).toBe(
        'NOT_FOUND',
      );
      expect(errorCode(await graphql(t.app, studentOfA, STUDENT, { id: a.students[0] }))).toBe(
        'NOT_FOUND',
      );
      expect(ok(await graphql(t.app, studentOfA, ME)).me).toMatchObject({
        tenantId: b.inst.tenantId,
        student: null,
      });
      expect(
        ok(
          await graphql(
            t.app,
            studentOfA,
            `
              query {
                cohorts {
                  id
                }
              }
            `,
          ),
        ).cohorts,
      ).toEqual([]);
      expect(
        errorCode(
          await graphql(t.app, adminOfA, UPDATE_COHORT, {
            input: { cohortId: a.cohortId, name: 'Hijacked' },
          }),
        ),
      ).toBe('NOT_FOUND');
      expect(
        errorCode(
          await graphql(t.app, adminOfA, UNASSIGN, {
            input: { cohortId: a.cohortId, advisorId: a.advisorId },
          }),
        ),
      ).toBe('NOT_FOUND');
      expect(
        errorCode(
          await graphql(t.app, advisorOfA, ADD_NOTE, {
            input: { studentId: a.students[0], text: 'Cross' },
          }),
        ),
      ).toBe('NOT_FOUND');
      // What B's admin may change is B's own institution, never A's.
      ok(
        await graphql(
          t.app,
          adminOfA,
          `
            mutation {
              renameInstitution(input: { name: "Renamed B" }) {
                institution {
                  id
                }
              }
            }
          `,
        ),
      );

      const cohortOfA = ok(
        await graphql(
          t.app,
          a.inst.adminToken,
          `
            query ($id: ID!) {
              cohort(id: $id) {
                name
                advisorIds
                version
              }
            }
          `,
          { id: a.cohortId },
        ),
      ).cohort;
      expect(cohortOfA).toEqual({ name: 'Advised', advisorIds: [a.advisorId], version: 4 });
      expect(
        ok(
          await graphql(
            t.app,
            a.inst.adminToken,
            `
              query {
                institution {
                  name
                }
              }
            `,
          ),
        ).institution.name,
      ).toBe(a.inst.name);
      expect(
        ok(
          await graphql(
            t.app,
            b.inst.adminToken,
            `
              query {
                institution {
                  name
                }
              }
            `,
          ),
        ).institution.name,
      ).toBe('Renamed B');
    });
  });
});
