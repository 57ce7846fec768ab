import request from 'supertest';
import { newInstitution } from '../support/builders';
import { graphql, ok } from '../support/graphql';
import { caughtUp } from '../support/projections';
import { startTestApp, type TestApp } from '../support/test-app';

const CREATE = `mutation ($input: CreateCohortInput!) { createCohort(input: $input) { cohort { id } } }`;
const STUDENTS = `query ($id: ID!) {
  cohort(id: $id) { enrolledCount students(first: 100) { edges { node {
    id name email externalId program graduationYear
  } } } }
}`;

interface Report {
  accepted: number;
  updated: number;
  unchanged: number;
  rejected: { row: number; reason: string; message: string }[];
}

describe('roster import (POST /imports/cohorts/:cohortId/roster.csv)', () => {
  let t: TestApp;
  let inst: Awaited<ReturnType<typeof newInstitution>>;

  beforeAll(async () => {
    t = await startTestApp();
    inst = await newInstitution(t);
  });
  afterAll(() => t.close());

  const newCohort = async (): Promise<string> =>
    ok(
      await graphql(t.app, inst.adminToken, CREATE, {
        input: { name: 'Roster', term: 'Fall', startDate: '2026-09-01', endDate: '2026-12-15' },
      }),
    ).createCohort.cohort.id;

  const upload = (
    cohortId: string,
    body: string | Buffer,
    { token = inst.adminToken, type = 'text/csv; charset=utf-8' } = {},
  ) =>
    request(t.app.getHttpServer())
      .post(`/imports/cohorts/${cohortId}/roster.csv`)
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', type)
      .send(body);

  const eventCount = async () =>
    (
      await t.db.app.database.withTenant(inst.tenantId, (tx) =>
        tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM events`),
      )
    )[0].n;

  const students = async (cohortId: string) => {
    await caughtUp(t.app);
    const cohort = ok(await graphql(t.app, inst.adminToken, STUDENTS, { id: cohortId })).cohort;
    const nodes = cohort.students.edges.map((e: { node: Record<string, unknown> }) => e.node);
    return {
      count: cohort.enrolledCount as number,
      byEmail: new Map(nodes.map((n: any) => [n.email, n])),
    };
  };

  it('enrols every row of a clean file, with the optional columns in any order and case', async () => {
    const cohortId = await newCohort();
    const csv = [
      'Graduation_Year,NAME,Email,program,External_ID',
      '2027,Ada Lovelace,Ada@Example.edu,Law,S-100',
      ',Grace Hopper,grace@example.edu,,',
      '2028,"Hopper, Jr.",junior@example.edu,"Policy, Public",S-102',
    ].join('\n');
    const { body } = await upload(cohortId, csv).expect(200);
    expect(body).toEqual({ accepted: 3, updated: 0, unchanged: 0, rejected: [] });
    const { count, byEmail } = await students(cohortId);
    expect(count).toBe(3);
    expect(byEmail.get('ada@example.edu')).toMatchObject({
      name: 'Ada Lovelace',
      externalId: 'S-100',
      program: 'Law',
      graduationYear: 2027,
    });
    expect(byEmail.get('grace@example.edu')).toMatchObject({
      externalId: null,
      program: null,
      graduationYear: null,
    });
    expect(byEmail.get('junior@example.edu')).toMatchObject({
      name: 'Hopper, Jr.',
      program: 'Policy, Public',
    });
  });

  it('reports bad rows by row number and reason, without their emails, and enrols the good ones', async () => {
    const cohortId = await newCohort();
    const other = await newCohort();
    await upload(
      other,
      'email,name,external_id\nowner@example.edu,Owner,TAKEN-1\nsomeone@example.edu,Someone,\n',
    ).expect(200);
    const csv = [
      'email,name,external_id,graduation_year',
      'good1@example.edu,Good One,G-1,2027', // 2
      'not-an-email,Bad Email,,', // 3
      'noname@example.edu,,,', // 4
      'good1@example.edu,Twice,,', // 5
      'year@example.edu,Bad Year,,twenty', // 6
      'old@example.edu,Too Old,,1800', // 7
      `long@example.edu,${'x'.repeat(201)},,`, // 8
      'dup-ext@example.edu,Dup Ext,G-1,', // 9
      // The email names one student of the institution, the external id another.
      'someone@example.edu,Taken,TAKEN-1,', // 10
      'short@example.edu,Short Row', // 11
      'good2@example.edu,Good Two,,2028', // 12
    ].join('\r\n');
    const { body } = await upload(cohortId, csv).expect(200);
    expect(body.accepted).toBe(2);
    expect(body.updated + body.unchanged).toBe(0);
    expect(body.rejected.map((r: Report['rejected'][0]) => [r.row, r.reason])).toEqual([
      [3, 'INVALID_EMAIL'],
      [4, 'MISSING_NAME'],
      [5, 'DUPLICATE_IN_FILE'],
      [6, 'INVALID_GRADUATION_YEAR'],
      [7, 'INVALID_GRADUATION_YEAR'],
      [8, 'FIELD_TOO_LONG'],
      [9, 'DUPLICATE_EXTERNAL_ID'],
      [10, 'EXTERNAL_ID_TAKEN'],
      [11, 'WRONG_COLUMN_COUNT'],
    ]);
    for (const r of body.rejected) expect(r.message).toEqual(expect.any(String));
    expect(JSON.stringify(body)).not.toContain('@');
    const { count, byEmail } = await students(cohortId);
    expect(count).toBe(2);
    expect([...byEmail.keys()].sort()).toEqual(['good1@example.edu', 'good2@example.edu']);
  });

  it('changes nothing when the same file comes twice: all unchanged, no event appended', async () => {
    const cohortId = await newCohort();
    const csv =
      'email,name,external_id,program,graduation_year\n' +
      Array.from({ length: 30 }, (_, i) => `s${i}@example.edu,Student ${i},T-${i},Law,2027`).join(
        '\n',
      );
    expect((await upload(cohortId, csv).expect(200)).body).toMatchObject({ accepted: 30 });
    const before = await eventCount();
    const { body } = await upload(cohortId, csv).expect(200);
    expect(body).toEqual({ accepted: 0, updated: 0, unchanged: 30, rejected: [] });
    expect(await eventCount()).toBe(before);
  });

  it('corrects enrolled students found by email or external id; an email change is refused', async () => {
    const cohortId = await newCohort();
    await upload(
      cohortId,
      'email,name,external_id,program\nada@example.edu,Ada,A-1,Law\nalan@example.edu,Alan,A-2,Math\nkeep@example.edu,Keep,,\n',
    ).expect(200);
    const before = await eventCount();
    const { body } = await upload(
      cohortId,
      [
        'email,name,external_id,program,graduation_year',
        'ada@example.edu,Ada King,A-1,Policy,2027', // name, program and year corrected
        'alan.new@example.edu,Alan,A-2,Math,', // A-2 is Alan, enrolled with another email
        'keep@example.edu,Keep,K-3,,', // gains an external id
        'new@example.edu,Newcomer,,,',
      ].join('\n'),
    ).expect(200);
    expect(body).toEqual({
      accepted: 1,
      updated: 2,
      unchanged: 0,
      rejected: [
        { row: 3, reason: 'EMAIL_CHANGE_NOT_ALLOWED', message: expect.stringContaining('email') },
      ],
    });
    // Two corrections, one enrolment (cohort event + the student's registration).
    expect(await eventCount()).toBe(before + 4);
    const { count, byEmail } = await students(cohortId);
    expect(count).toBe(4);
    expect(byEmail.get('ada@example.edu')).toMatchObject({
      name: 'Ada King',
      externalId: 'A-1',
      program: 'Policy',
      graduationYear: 2027,
    });
    expect(byEmail.get('keep@example.edu')).toMatchObject({ externalId: 'K-3' });
    expect(byEmail.has('alan.new@example.edu')).toBe(false);
  });

  it('reads a UTF-8 BOM, CRLF line ends, quoted line breaks and blank lines', async () => {
    const cohortId = await newCohort();
    const csv =
      '\uFEFFemail,name\r\n"bom@example.edu","Zoë\r\nSecond line"\r\n\r\nplain@example.edu,Plain\r\n';
    const { body } = await upload(cohortId, Buffer.from(csv, 'utf8')).expect(200);
    expect(body).toEqual({ accepted: 2, updated: 0, unchanged: 0, rejected: [] });
    const { byEmail } = await students(cohortId);
    expect(byEmail.get('bom@example.edu')).toMatchObject({ name: 'Zoë\r\nSecond line' });
  });

  it('refuses a malformed file with its row and line and applies nothing of a partial batch', async () => {
    const cohortId = await newCohort();
    const before = await eventCount();
    const csv = 'email,name\na@example.edu,A\nb@example.edu,"B\nc@example.edu,C\n';
    const { body } = await upload(cohortId, csv).expect(400);
    expect(body.error).toMatchObject({ code: 'MALFORMED_CSV', row: 3, line: expect.any(Number) });
    expect(body.error.message).toMatch(/row 3 \(line \d+\): a quoted field is never closed/);
    expect(await eventCount()).toBe(before);
    expect((await students(cohortId)).count).toBe(0);
  });

  it('keeps the whole batches read before a malformed spot, and only those', async () => {
    const cohortId = await newCohort();
    const rows = Array.from({ length: 1_200 }, (_, i) => `m${i}@example.edu,M ${i}`);
    const csv = `email,name\n${rows.join('\n')}\nbroken@example.edu,"Never closed\n`;
    const { body } = await upload(cohortId, csv).expect(400);
    expect(body.error).toMatchObject({ code: 'MALFORMED_CSV', row: 1_202 });
    expect((await students(cohortId)).count).toBe(1_000);
  });

  it('refuses a header with an unknown or missing column, naming it, and one that is data', async () => {
    const cohortId = await newCohort();
    const unknown = await upload(cohortId, 'email,name,grad_year\na@example.edu,A,2027\n').expect(
      400,
    );
    expect(unknown.body.error).toMatchObject({ code: 'BAD_HEADER', unknownColumns: ['grad_year'] });
    const missing = await upload(cohortId, 'email,program\na@example.edu,Law\n').expect(400);
    expect(missing.body.error).toMatchObject({ code: 'BAD_HEADER', missingColumns: ['name'] });
    const data = await upload(cohortId, 'ada@example.edu,Ada\n').expect(400);
    expect(data.body.error.code).toBe('BAD_HEADER');
    expect(JSON.stringify(data.body)).not.toContain('ada@');
    await upload(cohortId, '').expect(400);
    expect((await students(cohortId)).count).toBe(0);
  });

  it('is for admins only: an advisor gets 403 and nothing is enrolled', async () => {
    const cohortId = await newCohort();
    const { body } = await upload(cohortId, 'email,name\na@example.edu,A\n', {
      token: await inst.advisorToken('advisor-1'),
    }).expect(403);
    expect(body.error.code).toBe('FORBIDDEN');
    expect((await students(cohortId)).count).toBe(0);
  });

  it('answers 415 with a clear message for another content type, and 404 for an unknown cohort', async () => {
    const cohortId = await newCohort();
    const json = await upload(cohortId, JSON.stringify([{ email: 'a@example.edu' }]), {
      type: 'application/json',
    }).expect(415);
    expect(json.body.error).toMatchObject({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: expect.stringContaining('text/csv'),
    });
    await upload(cohortId, 'email,name\na@example.edu,A\n', { type: 'text/plain' }).expect(415);
    await upload('no-such-cohort', 'email,name\na@example.edu,A\n').expect(404);
  });

  it('GraphQL enrollStudents takes the same optional fields and the same external-id rule', async () => {
    const cohortId = await newCohort();
    await upload(cohortId, 'email,name,external_id\nfirst@example.edu,First,GQL-1\n').expect(200);
    const result = ok(
      await graphql(
        t.app,
        inst.adminToken,
        `
          mutation ($input: EnrollStudentsInput!) {
            enrollStudents(input: $input) {
              accepted {
                row
                email
              }
              rejected {
                row
                reason
              }
            }
          }
        `,
        {
          input: {
            cohortId,
            rows: [
              { email: 'taken@example.edu', name: 'Taken', externalId: 'GQL-1' },
              {
                email: 'fine@example.edu',
                name: 'Fine',
                externalId: 'GQL-2',
                graduationYear: 2029,
              },
              { email: 'year@example.edu', name: 'Year', graduationYear: 3000 },
            ],
          },
        },
      ),
    ).enrollStudents;
    expect(result.accepted).toEqual([{ row: 1, email: 'fine@example.edu' }]);
    // Its external id names a student on this roster already (docs/adr/0019).
    expect(result.rejected).toEqual([
      { row: 0, reason: 'ALREADY_ENROLLED' },
      { row: 2, reason: 'INVALID_GRADUATION_YEAR' },
    ]);
    expect((await students(cohortId)).byEmail.get('fine@example.edu')).toMatchObject({
      externalId: 'GQL-2',
      graduationYear: 2029,
    });
  });

  it('imports 20,000 rows in one file, in batches, and a second time changes nothing', async () => {
    const cohortId = await newCohort();
    const lines = ['email,name,external_id,program,graduation_year'];
    for (let i = 0; i < 20_000; i++) lines.push(`big${i}@example.edu,Big ${i},B-${i},Law,2028`);
    lines.push('big7@example.edu,Duplicate,,,'); // row 20,002
    const csv = lines.join('\n');
    const first = await upload(cohortId, csv).expect(200);
    expect(first.body).toEqual({
      accepted: 20_000,
      updated: 0,
      unchanged: 0,
      rejected: [{ row: 20_002, reason: 'DUPLICATE_IN_FILE', message: expect.any(String) }],
    });
    expect((await students(cohortId)).count).toBe(20_000);
    const before = await eventCount();
    const second = await upload(cohortId, csv).expect(200);
    expect(second.body).toMatchObject({ accepted: 0, updated: 0, unchanged: 20_000 });
    expect(await eventCount()).toBe(before);
  }, 600_000);
});
