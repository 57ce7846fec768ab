import request from 'supertest';
import { TokenService } from '../../apps/api/src/auth/token.service';
import { csvCell, csvRow } from '../../apps/api/src/exports/csv.util';
import { COHORT_STUDENT_COLUMNS } from '../../apps/api/src/exports/exports.service';
import {
  cohortWithJourneys,
  enrolledStudents,
  newInstitution,
  newStaff,
} from '../support/builders';
import { graphql, ok } from '../support/graphql';
import { caughtUp } from '../support/projections';
import { startTestApp, type TestApp } from '../support/test-app';

const now = new Date('2026-11-27T15:00:00Z');

/** RFC 4180 the strict way: quoted fields may hold commas, CRLFs and doubled quotes. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('Unterminated quoted field');
        if (text[i] === '"' && text[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (text[i] === '"') {
          i++;
          break;
        } else field += text[i++];
      }
    }
    if (text.startsWith('\r\n', i)) {
      records.push([...record, field]);
      record = [];
      field = '';
      i += 2;
    } else if (text[i] === ',') {
      record.push(field);
      field = '';
      i++;
    } else if (i < text.length) {
      if (text[i] === '"') throw new Error(`Stray quote at ${i}`);
      field += text[i++];
    }
  }
  if (field !== '' || record.length > 0) throw new Error('The last record has no CRLF');
  return records;
}

/** Records as objects keyed by the header row. */
function table(text: string): { header: string[]; rows: Record<string, string>[] } {
  const [header, ...records] = parseCsv(text);
  for (const r of records) expect(r).toHaveLength(header.length);
  return {
    header,
    rows: records.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]]))),
  };
}

const STUDENTS = `query($id: ID!, $asOf: DateTime) {
  cohort(id: $id) {
    name
    students(first: 100, asOf: $asOf) {
      totalCount
      edges { node {
        id name email
        progress(asOf: $asOf) {
          stage lastActivityAt
          contacts { total }
          requests { sent accepted declined unanswered }
          interviews { held target }
          thankYous { sent withinWindow }
          referrals { received contacted }
          touchpoints { total }
        }
        followUps(asOf: $asOf) { overdue }
        risk(asOf: $asOf) { score reasons }
      } }
    }
  }
}`;

describe('exports', () => {
  let t: TestApp;
  let admin: string;
  let advisor: string;
  let student: string;
  let studentId: string;
  let cohortId: string;
  let otherCohortId: string;

  const get = (path: string, token?: string) => {
    const call = request(t.app.getHttpServer()).get(path);
    if (token) void call.set('Authorization', `Bearer ${token}`);
    return call;
  };

  beforeAll(async () => {
    t = await startTestApp();
    // Two cohorts with ten weeks of generated history; the advisor advises the first only.
    const inst = await newInstitution(t);
    const staff = await newStaff(t, inst.adminToken);
    ({
      cohortId,
      studentIds: [studentId],
    } = await cohortWithJourneys(t, inst, { students: 20, now, advisorId: staff.staffId }));
    ({ cohortId: otherCohortId } = await cohortWithJourneys(t, inst, { students: 3, now }));
    admin = inst.adminToken;
    advisor = staff.token;
    student = await inst.studentToken(studentId);
    await caughtUp(t.app);
  });
  afterAll(() => t.close());

  describe('CSV cells', () => {
    it('quotes commas, quotes and line breaks (RFC 4180) and ends records with CRLF', () => {
      expect(csvCell('plain')).toBe('plain');
      expect(csvCell('a,b')).toBe('"a,b"');
      expect(csvCell('say "hi"')).toBe('"say ""hi"""');
      expect(csvCell('two\nlines')).toBe('"two\nlines"');
      expect(csvCell('cr\rhere')).toBe('"cr\rhere"');
      expect(csvCell(null)).toBe('');
      expect(csvCell(undefined)).toBe('');
      expect(csvCell(0)).toBe('0');
      expect(csvRow(['a', 1, null, 'b,c'])).toBe('a,1,,"b,c"\r\n');
      expect(parseCsv(csvRow(['x"y', 'p\r\nq', '']))).toEqual([['x"y', 'p\r\nq', '']]);
    });

    it('defuses text a spreadsheet would run as a formula, but leaves numbers alone', () => {
      expect(csvCell('=1+1')).toBe("'=1+1");
      expect(csvCell('+1')).toBe("'+1");
      expect(csvCell('-2')).toBe("'-2");
      expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
      expect(csvCell('\tx')).toBe('"\'\tx"');
      expect(csvCell('\rx')).toBe('"\'\rx"');
      expect(csvCell('=A1,"b"')).toBe('"\'=A1,""b"""');
      expect(csvCell('a=b')).toBe('a=b');
      expect(csvCell(-1)).toBe('-1');
    });
  });

  it("streams the advisor's cohort: a header and one row per enrolled student, as GraphQL says", async () => {
    const response = await get(`/exports/cohorts/${cohortId}.csv`, advisor).expect(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toMatch(
      /^attachment; filename="cohort-[a-z0-9-]+-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    expect(response.headers['cache-control']).toBe('no-store');
    // Written as it is produced, not buffered into one body of known length.
    expect(response.headers['transfer-encoding']).toBe('chunked');
    const { header, rows } = table(response.text);
    expect(header).toEqual([...COHORT_STUDENT_COLUMNS]);
    expect(rows).toHaveLength(20);

    const cohort = ok(await graphql(t.app, advisor, STUDENTS, { id: cohortId })).cohort;
    const slug = (cohort.name as string)
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '');
    expect(response.headers['content-disposition']).toContain(`filename="cohort-${slug}-`);
    const nodes = cohort.students.edges.map((e: { node: any }) => e.node);
    // Same students in the same (name) order.
    expect(rows.map((r) => r.student_id)).toEqual(nodes.map((n: { id: string }) => n.id));
    for (const [i, node] of nodes.entries()) {
      const row = rows[i];
      const p = node.progress;
      expect(row).toMatchObject({
        name: node.name,
        email: node.email,
        stage: p.stage,
        contacts: String(p.contacts.total),
        requests_sent: String(p.requests.sent),
        requests_accepted: String(p.requests.accepted),
        requests_declined: String(p.requests.declined),
        requests_unanswered: String(p.requests.unanswered),
        interviews_held: String(p.interviews.held),
        target: String(p.interviews.target),
        thank_yous_sent: String(p.thankYous.sent),
        thank_yous_within_window: String(p.thankYous.withinWindow),
        referrals_received: String(p.referrals.received),
        referrals_contacted: String(p.referrals.contacted),
        touchpoints: String(p.touchpoints.total),
        last_activity_at: p.lastActivityAt ?? '',
        overdue_follow_ups: String(node.followUps.filter((f: any) => f.overdue).length),
        risk_score: String(node.risk.score),
        risk_reasons: node.risk.reasons.join('; '),
      });
    }
    expect(rows.some((r) => Number(r.interviews_held) > 0)).toBe(true);
    expect(rows.some((r) => r.risk_reasons.includes('; '))).toBe(true);
  });

  it('answers asOf like GraphQL does, and names the file after that day', async () => {
    const asOf = '2026-10-01T12:00:00Z';
    const response = await get(`/exports/cohorts/${cohortId}.csv?asOf=${asOf}`, advisor).expect(
      200,
    );
    expect(response.headers['content-disposition']).toMatch(/-2026-10-01\.csv"$/);
    const { rows } = table(response.text);
    const nodes = ok(
      await graphql(t.app, advisor, STUDENTS, { id: cohortId, asOf }),
    ).cohort.students.edges.map((e: { node: any }) => e.node);
    expect(rows.map((r) => [r.student_id, r.stage, r.interviews_held, r.risk_score])).toEqual(
      nodes.map((n: any) => [
        n.id,
        n.progress.stage,
        String(n.progress.interviews.held),
        String(n.risk.score),
      ]),
    );
  });

  it('exports the cohort dashboard as section,key,value rows', async () => {
    const response = await get(`/exports/cohorts/${cohortId}/dashboard.csv`, admin).expect(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toMatch(
      /^attachment; filename="cohort-[a-z0-9-]+-dashboard-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const { header, rows } = table(response.text);
    expect(header).toEqual(['section', 'key', 'value']);
    const value = (section: string, key: string) =>
      rows.find((r) => r.section === section && r.key === key)?.value;
    const { dashboard } = ok(
      await graphql(
        t.app,
        admin,
        `
          query ($id: ID!) {
            cohort(id: $id) {
              dashboard {
                students
                funnel {
                  stage
                  count
                  conversionFromPrevious
                  medianDaysFromPrevious
                }
                atTarget {
                  target
                  students
                  share
                }
                overdueFollowUps
                thankYouSla {
                  decided
                  breached
                  breachRate
                }
                industryMix {
                  industry
                  contacts
                }
                weeklyActivity {
                  week
                  counts {
                    key
                    count
                  }
                }
              }
            }
          }
        `,
        { id: cohortId },
      ),
    ).cohort;
    const cell = (v: number | null) => (v === null ? '' : String(v));
    expect(value('cohort', 'students')).toBe('20');
    for (const stage of dashboard.funnel) {
      expect(value('funnel', `${stage.stage}.count`)).toBe(String(stage.count));
      expect(value('funnel', `${stage.stage}.conversion_from_previous`)).toBe(
        cell(stage.conversionFromPrevious),
      );
      expect(value('funnel', `${stage.stage}.median_days_from_previous`)).toBe(
        cell(stage.medianDaysFromPrevious),
      );
    }
    expect(value('at_target', 'share')).toBe(cell(dashboard.atTarget.share));
    expect(value('follow_ups', 'overdue')).toBe(String(dashboard.overdueFollowUps));
    expect(value('thank_you_sla', 'breach_rate')).toBe(cell(dashboard.thankYouSla.breachRate));
    expect(rows.filter((r) => r.section === 'industry_mix')).toEqual(
      dashboard.industryMix.map((m: any) => ({
        section: 'industry_mix',
        key: m.industry,
        value: String(m.contacts),
      })),
    );
    const weekly = rows.filter((r) => r.section === 'weekly_activity');
    expect(weekly).toHaveLength(
      dashboard.weeklyActivity.reduce((n: number, w: any) => n + w.counts.length, 0),
    );
  });

  it('round-trips a name with a comma, quotes and a leading "=" without making it a formula', async () => {
    const name = '=HYPERLINK("http://evil.example","Click, me")';
    ok(
      await graphql(
        t.app,
        admin,
        `
          mutation ($input: EnrollStudentsInput!) {
            enrollStudents(input: $input) {
              accepted {
                studentId
              }
            }
          }
        `,
        { input: { cohortId, rows: [{ name, email: 'formula@example.edu' }] } },
      ),
    );
    await caughtUp(t.app);
    const response = await get(`/exports/cohorts/${cohortId}.csv`, advisor).expect(200);
    expect(response.text).toContain(`"'=HYPERLINK(""http://evil.example"",""Click, me"")"`);
    const { rows } = table(response.text);
    expect(rows).toHaveLength(21);
    const row = rows.find((r) => r.email === 'formula@example.edu')!;
    expect(row.name).toBe(`'${name}`);
    expect(row.stage).toBeTruthy();
    for (const r of rows) for (const v of Object.values(r)) expect(v).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('keeps cohort exports from students, other advisors, strangers and other institutions', async () => {
    for (const path of [
      `/exports/cohorts/${cohortId}.csv`,
      `/exports/cohorts/${cohortId}/dashboard.csv`,
    ]) {
      const forbidden = await get(path, student).expect(403);
      expect(forbidden.headers['content-type']).toMatch(/^application\/json/);
      expect(forbidden.headers['content-disposition']).toBeUndefined();
      expect(forbidden.body.error.code).toBe('FORBIDDEN');
      expect((await get(path).expect(401)).body.error.code).toBe('UNAUTHENTICATED');
      expect((await get(path, 'not-a-token').expect(401)).body.error.code).toBe('UNAUTHENTICATED');
    }
    // The advisor does not advise the other cohort.
    expect(
      (await get(`/exports/cohorts/${otherCohortId}.csv`, advisor).expect(403)).body.error.code,
    ).toBe('FORBIDDEN');

    const other = await newInstitution(t);
    const foreignId = ok(
      await graphql(
        t.app,
        other.adminToken,
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
          input: {
            name: 'Elsewhere',
            term: 'Fall 2026',
            startDate: '2026-09-01',
            endDate: '2026-12-15',
          },
        },
      ),
    ).createCohort.cohort.id;
    for (const token of [advisor, admin]) {
      for (const path of [
        `/exports/cohorts/${foreignId}.csv`,
        `/exports/cohorts/${foreignId}/dashboard.csv`,
      ]) {
        expect((await get(path, token).expect(404)).body.error.code).toBe('NOT_FOUND');
      }
    }
    expect(
      (await get('/exports/cohorts/no-such-cohort.csv', admin).expect(404)).body.error.code,
    ).toBe('NOT_FOUND');
    // Its own admin gets it, so the 404 above was the tenant boundary.
    const own = await get(`/exports/cohorts/${foreignId}.csv`, other.adminToken).expect(200);
    expect(table(own.text).rows).toHaveLength(0);
  });

  it('rejects an asOf that is not an ISO instant with 400', async () => {
    for (const bad of ['yesterday', '2026-11-20', '2026-13-45T00:00:00Z', '']) {
      for (const path of [
        `/exports/cohorts/${cohortId}.csv`,
        `/exports/cohorts/${cohortId}/dashboard.csv`,
      ]) {
        const response = await get(`${path}?asOf=${encodeURIComponent(bad)}`, advisor).expect(400);
        expect(response.body.error.code).toBe('BAD_USER_INPUT');
      }
    }
    await get(`/exports/cohorts/${cohortId}.csv?asOf=a&asOf=b`, advisor).expect(400);
    await get(`/exports/cohorts/${cohortId}.csv?asOf=2026-11-20T00:00:00%2B01:00`, advisor).expect(
      200,
    );
  });

  it("gives a student all their own data as JSON, but never their advisor's notes", async () => {
    const text = 'CONFIDENTIAL: worried about follow-through, call parents?';
    ok(
      await graphql(
        t.app,
        advisor,
        `
          mutation ($input: AddAdvisorNoteInput!) {
            addAdvisorNote(input: $input) {
              note {
                id
              }
            }
          }
        `,
        { input: { studentId, text } },
      ),
    );
    await caughtUp(t.app);

    const response = await get('/exports/me.json', student).expect(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.headers['content-disposition']).toBe('attachment; filename="rapport-me.json"');
    expect(response.text).not.toContain(text);
    expect(response.text).not.toContain('CONFIDENTIAL');
    expect(response.text).not.toMatch(/AdvisorNote/);
    const data = JSON.parse(response.text);

    const mine = ok(
      await graphql(
        t.app,
        student,
        `
          query ($id: ID!) {
            student(id: $id) {
              id
              name
              email
              contacts(first: 100) {
                edges {
                  node {
                    id
                    name
                  }
                }
              }
              interviews(first: 100) {
                edges {
                  node {
                    id
                    status
                  }
                }
              }
              progress {
                stage
                interviews {
                  held
                }
              }
              followUps {
                kind
              }
              timeline(first: 1) {
                totalCount
              }
            }
          }
        `,
        { id: studentId },
      ),
    ).student;
    expect(data.profile).toMatchObject({ id: studentId, name: mine.name, email: mine.email });
    const ids = (list: { id: string }[]) => list.map((x) => x.id).sort();
    const nodes = (c: { edges: { node: { id: string } }[] }) => c.edges.map((e) => e.node);
    expect(ids(data.contacts)).toEqual(ids(nodes(mine.contacts)));
    expect(data.contacts.length).toBeGreaterThan(0);
    expect(data.contacts[0]).toHaveProperty('name');
    expect(ids(data.interviews)).toEqual(ids(nodes(mine.interviews)));
    expect(data.interviews.length).toBeGreaterThan(0);
    expect(data.progress).toMatchObject({
      studentId,
      stage: mine.progress.stage,
      interviews: { held: mine.progress.interviews.held },
    });
    expect(data.followUps.map((f: { kind: string }) => f.kind)).toEqual(
      mine.followUps.map((f: { kind: string }) => f.kind),
    );
    // Neither the student's timeline nor their export knows a note was added.
    expect(data.timeline).toHaveLength(mine.timeline.totalCount);
    const ats = data.timeline.map((e: { at: string }) => e.at);
    expect(ats).toEqual([...ats].sort().reverse());
  });

  it("gives admins any one student's export: the same document the student gets", async () => {
    await caughtUp(t.app);
    const own = await get('/exports/me.json', student).expect(200);
    await caughtUp(t.app);
    const response = await get(`/exports/students/${studentId}.json`, admin).expect(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['content-disposition']).toBe(
      `attachment; filename="rapport-student-${studentId}.json"`,
    );
    const theirs = JSON.parse(own.text);
    const copy = JSON.parse(response.text);
    const { exportedAt: _a, timeline: ownTimeline, ...ownRest } = theirs;
    const { exportedAt: _b, timeline: copyTimeline, ...copyRest } = copy;
    // What differs: the moment it was read, and the student's own export recorded since.
    expect(copyRest.profile.version).toBe(ownRest.profile.version + 1);
    for (const doc of [ownRest, copyRest]) {
      delete doc.profile.version;
      delete doc.progress.asOf;
    }
    expect(copyRest).toEqual(ownRest);
    expect(copyTimeline[0]).toMatchObject({ kind: 'StudentDataExported', title: 'Data exported' });
    expect(copyTimeline.slice(1)).toEqual(ownTimeline);
    expect(response.text).not.toMatch(/AdvisorNote/);
  });

  it('refuses the student export to advisors and students, and knows no foreign or unknown id', async () => {
    for (const token of [advisor, student]) {
      const refused = await get(`/exports/students/${studentId}.json`, token).expect(403);
      expect(refused.body.error.code).toBe('FORBIDDEN');
      expect(refused.headers['content-disposition']).toBeUndefined();
    }
    const other = await newInstitution(t);
    const {
      studentIds: [foreign],
    } = await enrolledStudents(t, other.adminToken, [{ name: 'Other', email: 'other@x.test' }]);
    for (const id of [foreign, '00000000-0000-4000-a000-00000000dead']) {
      expect((await get(`/exports/students/${id}.json`, admin).expect(404)).body.error.code).toBe(
        'NOT_FOUND',
      );
    }
    expect((await get(`/exports/students/${studentId}.json`).expect(401)).body.error.code).toBe(
      'UNAUTHENTICATED',
    );
  });

  it('records every JSON export on the student stream, with the caller, and shows it in the audit log', async () => {
    const before = await exportsOf(studentId);
    await get('/exports/me.json', student).expect(200);
    await get(`/exports/students/${studentId}.json`, admin).expect(200);
    await get(`/exports/students/${studentId}.json`, advisor).expect(403);
    const recorded = (await exportsOf(studentId)).slice(before.length);
    expect(recorded.map((e) => [Object.keys(e.data).sort(), e.metadata.actorRole])).toEqual([
      [['at', 'studentId'], 'student'],
      [['at', 'studentId'], 'admin'],
    ]);
    expect(recorded.every((e) => e.data.studentId === studentId)).toBe(true);

    const name = ok(
      await graphql(t.app, admin, 'query ($id: ID!) { student(id: $id) { name } }', {
        id: studentId,
      }),
    ).student.name;
    const audit = ok(
      await graphql(
        t.app,
        admin,
        `
          query ($id: ID!) {
            auditLog(first: 2, filter: { actions: [EXPORT], subjectId: $id }) {
              edges {
                node {
                  action
                  actor {
                    id
                    role
                  }
                  subject {
                    kind
                    id
                    displayName
                  }
                }
              }
            }
          }
        `,
        { id: studentId },
      ),
    ).auditLog;
    expect(audit.edges.map((e: any) => e.node)).toEqual([
      {
        action: 'EXPORT',
        actor: { id: recorded[1].metadata.actorId, role: 'admin' },
        subject: { kind: 'STUDENT', id: studentId, displayName: name },
      },
      {
        action: 'EXPORT',
        actor: { id: recorded[0].metadata.actorId, role: 'student' },
        subject: { kind: 'STUDENT', id: studentId, displayName: name },
      },
    ]);
  });

  async function exportsOf(id: string) {
    const tenantId = (await t.app.get(TokenService).verify(admin)) as any;
    return t.db.app.database.withTenant(tenantId.actor.tenantId, (tx) =>
      tx.query<{ data: any; metadata: any }>(
        `SELECT data, metadata FROM events
          WHERE tenant_id = $1 AND stream_id = $2 AND type = 'StudentDataExported'
          ORDER BY global_position`,
        [tx.tenantId, `student-${id}`],
      ),
    );
  }

  it('keeps me.json for students', async () => {
    for (const token of [advisor, admin]) {
      expect((await get('/exports/me.json', token).expect(403)).body.error.code).toBe('FORBIDDEN');
    }
    expect((await get('/exports/me.json').expect(401)).body.error.code).toBe('UNAUTHENTICATED');
  });
});

describe('exports: formulas typed in by students', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('neutralises a formula in every part of a cell, after ; and tab too, in both cohort CSVs', async () => {
    const inst = await newInstitution(t);
    const cohortId = ok(
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
          input: {
            name: 'Fall',
            term: 'Fall 2026',
            startDate: '2026-09-01',
            endDate: '2026-12-15',
          },
        },
      ),
    ).createCohort.cohort.id;
    const name = 'Ann;=HYPERLINK("http://x")';
    const studentId = ok(
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
        { input: { cohortId, rows: [{ name, email: 'ann@example.edu' }] } },
      ),
    ).enrollStudents.accepted[0].studentId;
    const industry = "a;=cmd|' /C calc'!A0";
    ok(
      await graphql(
        t.app,
        await inst.studentToken(studentId),
        `
          mutation ($input: AddContactInput!) {
            addContact(input: $input) {
              contact {
                id
              }
            }
          }
        `,
        { input: { name: 'Pat Doe', relationship: 'friend', industry } },
      ),
    );
    await caughtUp(t.app);
    const download = (path: string) =>
      request(t.app.getHttpServer())
        .get(path)
        .set('Authorization', `Bearer ${inst.adminToken}`)
        .expect(200);

    const students = await download(`/exports/cohorts/${cohortId}.csv`);
    expect(students.text).toContain(`"Ann;'=HYPERLINK(""http://x"")"`);
    expect(table(students.text).rows[0].name).toBe(`Ann;'=HYPERLINK("http://x")`);

    const dashboard = await download(`/exports/cohorts/${cohortId}/dashboard.csv`);
    // The dashboard lower-cases industries; the formula after `;` is defused all the same.
    expect(dashboard.text).toContain(`industry_mix,"a;'=cmd|' /c calc'!a0",1\r\n`);

    // Split the way a spreadsheet in a `;` or tab locale might: no part starts a formula.
    for (const text of [students.text, dashboard.text]) {
      for (const record of parseCsv(text))
        for (const cell of record)
          for (const part of cell.split(/[;\t]/)) expect(part.trimStart()).not.toMatch(/^[=+\-@]/);
    }
  });
});
