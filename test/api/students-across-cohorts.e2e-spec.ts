import request from 'supertest';
import { StudentMatcher } from '../../apps/api/src/identity/student-matcher';
import { newInstitution, newStaff } from '../support/builders';
import { errorCode, graphql, ok } from '../support/graphql';
import { caughtUp } from '../support/projections';
import { startTestApp, type TestApp } from '../support/test-app';

const CREATE = `mutation ($input: CreateCohortInput!) { createCohort(input: $input) { cohort { id } } }`;
const ASSIGN = `mutation ($c: ID!, $a: ID!) { assignAdvisor(input: { cohortId: $c, advisorId: $a }) { cohort { id } } }`;
const ENROLL = `mutation ($input: EnrollStudentsInput!) {
  enrollStudents(input: $input) { accepted { row studentId } rejected { row reason } }
}`;
const WITHDRAW = `mutation ($c: ID!, $s: ID!) { withdrawStudent(input: { cohortId: $c, studentId: $s }) { cohort { id } } }`;
const ADD_CONTACT = `mutation ($input: AddContactInput!) { addContact(input: $input) { contact { id studentId } } }`;
const SEND_REQUEST = `mutation ($input: SendInterviewRequestInput!) {
  sendInterviewRequest(input: $input) { interview { id } }
}`;
const STUDENT = `query ($id: ID!) {
  student(id: $id) {
    id cohortId enrolled
    enrolments { cohortId from to }
    contacts(first: 10) { totalCount }
    interviews(first: 10) { totalCount }
    timeline(first: 100) { edges { node { title } } }
  }
}`;
const DASHBOARD = `query ($id: ID!, $asOf: DateTime) {
  cohort(id: $id) { dashboard(asOf: $asOf) { students withdrawn } }
}`;
const ROSTER = `query ($id: ID!) {
  cohort(id: $id) { studentIds students(first: 100) { edges { node { id } } } }
}`;

interface Enrolment {
  cohortId: string;
  from: string | null;
  to: string | null;
}

/** An instant strictly after every event recorded so far (events carry millisecond instants). */
async function instantAfterNow(): Promise<string> {
  const at = Date.now();
  while (Date.now() <= at) await new Promise((resolve) => setImmediate(resolve));
  return new Date(at).toISOString();
}

describe('a student across cohorts (docs/adr/0019)', () => {
  let t: TestApp;
  let inst: Awaited<ReturnType<typeof newInstitution>>;
  let fall: string;
  let spring: string;
  let advisorFall: string;
  let advisorSpring: string;

  beforeAll(async () => {
    t = await startTestApp();
    inst = await newInstitution(t);
    const cohort = async (term: string) =>
      ok(
        await graphql(t.app, inst.adminToken, CREATE, {
          input: { name: term, term, startDate: '2026-09-01', endDate: '2027-05-15' },
        }),
      ).createCohort.cohort.id as string;
    fall = await cohort('Fall 2026');
    spring = await cohort('Spring 2027');
    const [a, b] = [await newStaff(t, inst.adminToken), await newStaff(t, inst.adminToken)];
    ok(await graphql(t.app, inst.adminToken, ASSIGN, { c: fall, a: a.staffId }));
    ok(await graphql(t.app, inst.adminToken, ASSIGN, { c: spring, a: b.staffId }));
    [advisorFall, advisorSpring] = [a.token, b.token];
  });
  afterAll(() => t.close());

  const enroll = async (cohortId: string, rows: object[]) =>
    ok(await graphql(t.app, inst.adminToken, ENROLL, { input: { cohortId, rows } })).enrollStudents;

  const upload = (cohortId: string, csv: string) =>
    request(t.app.getHttpServer())
      .post(`/imports/cohorts/${cohortId}/roster.csv`)
      .set('Authorization', `Bearer ${inst.adminToken}`)
      .set('Content-Type', 'text/csv')
      .send(csv);

  const student = async (id: string, token = inst.adminToken) =>
    graphql(t.app, token, STUDENT, { id });

  const dashboard = async (cohortId: string, asOf?: string) =>
    ok(await graphql(t.app, inst.adminToken, DASHBOARD, { id: cohortId, asOf })).cohort.dashboard;

  const roster = async (cohortId: string, token = inst.adminToken) => {
    const { cohort } = ok(await graphql(t.app, token, ROSTER, { id: cohortId }));
    return {
      studentIds: cohort.studentIds as string[],
      listed: cohort.students.edges.map((e: { node: { id: string } }) => e.node.id) as string[],
    };
  };

  it('enrolls the same person in the spring cohort through enrollStudents: one student, one history, moved', async () => {
    const [{ studentId: ann }] = (await enroll(fall, [{ name: 'Ann Lee', email: 'ann@x.edu' }]))
      .accepted;
    const annToken = await inst.studentToken(ann);
    const contact = ok(
      await graphql(t.app, annToken, ADD_CONTACT, {
        input: { name: 'Dana Fox', relationship: 'family' },
      }),
    ).addContact.contact.id;
    ok(
      await graphql(t.app, annToken, SEND_REQUEST, {
        input: { contactId: contact, channel: 'email', proposedFormats: ['coffee'] },
      }),
    );
    const inFall = await instantAfterNow();

    // Any case and spacing: the same address names the same student.
    const spring1 = await enroll(spring, [{ name: 'Ann Lee', email: ' ANN@X.edu ' }]);
    expect(spring1).toEqual({ accepted: [{ row: 0, studentId: ann }], rejected: [] });
    const inSpring = await instantAfterNow();

    const { student: record } = ok(await student(ann));
    expect(record).toMatchObject({ id: ann, cohortId: spring, enrolled: true });
    const enrolments = record.enrolments as Enrolment[];
    expect(enrolments.map((e) => e.cohortId)).toEqual([fall, spring]);
    // She stayed on the fall roster until the spring enrolment, which ended it at its instant.
    expect(enrolments[0].to).toBe(enrolments[1].from);
    expect(enrolments[0].from! < enrolments[0].to!).toBe(true);
    expect(enrolments[1].to).toBeNull();

    // Her records continue on the same id, and she keeps recording her journey.
    ok(
      await graphql(t.app, annToken, ADD_CONTACT, {
        input: { name: 'Sam Poe', relationship: 'friend' },
      }),
    );
    await caughtUp(t.app);
    const after = ok(await student(ann)).student;
    expect(after.contacts.totalCount).toBe(2);
    expect(after.interviews.totalCount).toBe(1);
    const titles = after.timeline.edges.map((e: { node: { title: string } }) => e.node.title);
    expect(titles.filter((title: string) => title === 'Joined the program')).toHaveLength(1);
    expect(titles).toContain('Joined another cohort of the program');

    // Each cohort counts her for the time she was in it.
    expect(await dashboard(fall, inFall)).toEqual({ students: 1, withdrawn: 0 });
    expect(await dashboard(spring, inFall)).toEqual({ students: 0, withdrawn: 0 });
    expect(await dashboard(spring, inSpring)).toEqual({ students: 1, withdrawn: 0 });
    expect(await dashboard(fall, inSpring)).toEqual({ students: 0, withdrawn: 1 });
    expect(await dashboard(fall)).toEqual({ students: 0, withdrawn: 1 });
    expect(await dashboard(spring)).toEqual({ students: 1, withdrawn: 0 });

    // Advisors: the spring advisor sees her now; the fall advisor no longer does.
    expect((await student(ann, advisorSpring)).errors).toBeUndefined();
    expect(errorCode(await student(ann, advisorFall))).toBe('FORBIDDEN');
    expect((await roster(spring, advisorSpring)).listed).toEqual([ann]);
    expect(await roster(fall, advisorFall)).toEqual({ studentIds: [], listed: [] });

    // Still on the spring roster: enrolling her again there is refused as today.
    expect(await enroll(spring, [{ name: 'Ann Lee', email: 'ann@x.edu' }])).toEqual({
      accepted: [],
      rejected: [{ row: 0, reason: 'ALREADY_ENROLLED' }],
    });

    // Sign-in by email finds one person.
    expect(
      await t.app.get(StudentMatcher).match(inst.tenantId, {
        verifiedEmail: 'ann@x.edu',
        externalId: null,
      }),
    ).toEqual([{ role: 'student', personId: ann }]);
  });

  it('enrolls a withdrawn student in the spring cohort through a roster file, by email or by external id', async () => {
    const first = await upload(fall, 'email,name,external_id\nbo@x.edu,Bo Park,S-200\n').expect(
      200,
    );
    expect(first.body).toMatchObject({ accepted: 1, rejected: [] });
    const [bo] = (await roster(fall)).studentIds;
    ok(await graphql(t.app, inst.adminToken, WITHDRAW, { c: fall, s: bo }));
    const withdrawn = ok(await student(bo)).student.enrolments as Enrolment[];
    expect(withdrawn).toEqual([
      { cohortId: fall, from: expect.any(String), to: expect.any(String) },
    ]);

    const file = 'email,name,external_id,program\nBO@X.EDU,Bo Park,S-200,Law\n';
    expect((await upload(spring, file).expect(200)).body).toEqual({
      accepted: 1,
      updated: 0,
      unchanged: 0,
      rejected: [],
    });
    expect((await roster(spring)).studentIds).toContain(bo);
    // The same file again changes nothing.
    expect((await upload(spring, file).expect(200)).body).toEqual({
      accepted: 0,
      updated: 0,
      unchanged: 1,
      rejected: [],
    });
    const enrolments = ok(await student(bo)).student.enrolments as Enrolment[];
    // The withdrawal ended the fall stay; the spring enrolment did not touch it.
    expect(enrolments).toEqual([
      withdrawn[0],
      { cohortId: spring, from: expect.any(String), to: null },
    ]);
    expect(withdrawn[0].to! < enrolments[1].from!).toBe(true);

    // Named by external id with another address: the same student, who moves again.
    const summer = ok(
      await graphql(t.app, inst.adminToken, CREATE, {
        input: {
          name: 'Summer',
          term: 'Summer 2027',
          startDate: '2027-06-01',
          endDate: '2027-08-15',
        },
      }),
    ).createCohort.cohort.id as string;
    const byExternalId = 'email,name,external_id\nbo.park@home.example,Bo Park,S-200\n';
    expect((await upload(summer, byExternalId).expect(200)).body).toMatchObject({ accepted: 1 });
    expect((await upload(summer, byExternalId).expect(200)).body).toMatchObject({
      accepted: 0,
      unchanged: 1,
      rejected: [],
    });
    const moved = ok(await student(bo)).student;
    expect(moved.cohortId).toBe(summer);
    expect((moved.enrolments as Enrolment[]).map((e) => [e.cohortId, e.to === null])).toEqual([
      [fall, false],
      [spring, false],
      [summer, true],
    ]);
    expect((await roster(spring)).studentIds).not.toContain(bo);
    await caughtUp(t.app);
    expect(await dashboard(spring)).toMatchObject({ withdrawn: 1 });
  });

  it('refuses a row whose email names one student and external id another', async () => {
    await upload(fall, 'email,name,external_id\ncy@x.edu,Cy Ode,S-300\n').expect(200);
    const result = await enroll(spring, [
      { name: 'Cy Ode', email: 'cy@x.edu', externalId: 'S-200' },
      { name: 'Di Ray', email: 'di@x.edu' },
    ]);
    expect(result.rejected).toEqual([{ row: 0, reason: 'EXTERNAL_ID_TAKEN' }]);
    expect(result.accepted.map((a: { row: number }) => a.row)).toEqual([1]);
  });
});
