import { streamIds } from '@rapport/domain';
import { EventStore } from '@rapport/event-store';
import { AUDITED_EVENT_TYPES } from '../../apps/api/src/audit/audit-actions';
import { auditStatement } from '../../apps/api/src/audit/audit.repository';
import { enrolledStudents, newInstitution, newStaff } from '../support/builders';
import { errorCode, graphql, ok } from '../support/graphql';
import { startTestApp, type TestApp } from '../support/test-app';

const AUDIT = `query ($first: Int, $after: String, $filter: AuditLogFilter) {
  auditLog(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node {
      id at recordedAt action eventType detail
      actor { id role displayName }
      subject { kind id displayName }
    } }
  }
}`;

describe('audit log', () => {
  let t: TestApp;
  let inst: Awaited<ReturnType<typeof newInstitution>>;
  let staffAdmin: Awaited<ReturnType<typeof newStaff>>;
  let advisor: Awaited<ReturnType<typeof newStaff>>;
  let cohortId: string;
  let ada: string;
  let ben: string;

  const audit = async (variables: Record<string, unknown> = {}, token = staffAdmin.token) =>
    ok(await graphql(t.app, token, AUDIT, variables)).auditLog;

  beforeAll(async () => {
    t = await startTestApp();
    inst = await newInstitution(t);
    staffAdmin = await newStaff(t, inst.adminToken, {
      role: 'ADMIN',
      name: 'Grace Admin',
      email: 'grace@staff.test',
    });
    advisor = await newStaff(t, staffAdmin.token, {
      name: 'Alan Advisor',
      email: 'alan@staff.test',
    });
    ({
      cohortId,
      studentIds: [ada, ben],
    } = await enrolledStudents(t, staffAdmin.token, [
      { name: 'Ada Student', email: 'ada@students.test' },
      { name: 'Ben Student', email: 'ben@students.test' },
    ]));
    ok(
      await graphql(
        t.app,
        staffAdmin.token,
        `
          mutation ($input: AssignAdvisorInput!) {
            assignAdvisor(input: $input) {
              cohort {
                id
              }
            }
          }
        `,
        { input: { cohortId, advisorId: advisor.staffId } },
      ),
    );
    ok(
      await graphql(
        t.app,
        staffAdmin.token,
        `
          mutation ($input: WithdrawStudentInput!) {
            withdrawStudent(input: $input) {
              cohort {
                id
              }
            }
          }
        `,
        { input: { cohortId, studentId: ben } },
      ),
    );
    ok(
      await graphql(
        t.app,
        staffAdmin.token,
        `
          mutation ($input: ChangeInstitutionSettingsInput!) {
            changeInstitutionSettings(input: $input) {
              institution {
                id
              }
            }
          }
        `,
        { input: { settings: { interviewTarget: 4, retentionMonthsAfterCohortEnd: 36 } } },
      ),
    );
  });
  afterAll(() => t.close());

  it('lists who did what to whom, newest first, with names from today’s records', async () => {
    const log = await audit({ first: 100 });
    const rows = log.edges.map((e: any) => [
      e.node.action,
      e.node.eventType,
      e.node.actor.displayName,
      e.node.subject.kind,
      e.node.subject.displayName,
    ]);
    expect(rows).toEqual([
      ['SETTINGS_CHANGE', 'InstitutionSettingsChanged', 'Grace Admin', 'INSTITUTION', null],
      ['WITHDRAWAL', 'StudentWithdrawn', 'Grace Admin', 'STUDENT', 'Ben Student'],
      ['ADVISOR_ASSIGNMENT', 'AdvisorAssigned', 'Grace Admin', 'STAFF_MEMBER', 'Alan Advisor'],
      ['ENROLMENT', 'StudentEnrolled', 'Grace Admin', 'STUDENT', 'Ben Student'],
      ['ENROLMENT', 'StudentEnrolled', 'Grace Admin', 'STUDENT', 'Ada Student'],
      ['STAFF_INVITED', 'StaffInvited', 'Grace Admin', 'STAFF_MEMBER', 'Alan Advisor'],
      // The first admin's development token names no staff member: no name to show.
      ['STAFF_INVITED', 'StaffInvited', null, 'STAFF_MEMBER', 'Grace Admin'],
    ]);
    expect(log.totalCount).toBe(7);
    const settings = log.edges[0].node;
    expect(settings.detail).toBe('Changed: interviewTarget, retentionMonthsAfterCohortEnd');
    expect(settings.subject.id).toBe(inst.tenantId);
    expect(settings.actor).toEqual({
      id: staffAdmin.staffId,
      role: 'admin',
      displayName: 'Grace Admin',
    });
    // Emails are in the events' personal parts and the records; never in the audit log.
    expect(JSON.stringify(log)).not.toMatch(/@/);
  });

  it('pages with cursors, the total staying the whole filtered count', async () => {
    const all = (await audit({ first: 100 })).edges.map((e: any) => e.node.id);
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; ; page++) {
      const log: any = await audit({ first: 3, after });
      expect(log.totalCount).toBe(all.length);
      expect(log.pageInfo.hasPreviousPage).toBe(page > 0);
      seen.push(...log.edges.map((e: any) => e.node.id));
      if (!log.pageInfo.hasNextPage) break;
      after = log.pageInfo.endCursor;
    }
    expect(seen).toEqual(all);
    const forged = await graphql(t.app, staffAdmin.token, AUDIT, {
      after: Buffer.from('{"id":"x"}').toString('base64url'),
    });
    expect(errorCode(forged)).toBe('BAD_USER_INPUT');
  });

  it('filters by action, actor, subject and time', async () => {
    const kinds = async (filter: Record<string, unknown>) =>
      (await audit({ first: 100, filter })).edges.map((e: any) => e.node.eventType);
    expect(await kinds({ actions: ['ENROLMENT', 'WITHDRAWAL'] })).toEqual([
      'StudentWithdrawn',
      'StudentEnrolled',
      'StudentEnrolled',
    ]);
    expect(await kinds({ subjectId: ben })).toEqual(['StudentWithdrawn', 'StudentEnrolled']);
    expect(await kinds({ subjectId: advisor.staffId })).toEqual([
      'AdvisorAssigned',
      'StaffInvited',
    ]);
    expect(await kinds({ actorId: `admin-${inst.slug}` })).toEqual(['StaffInvited']);
    expect(await kinds({ actorId: staffAdmin.staffId, actions: ['STAFF_INVITED'] })).toEqual([
      'StaffInvited',
    ]);
    const all = (await audit({ first: 100 })).edges.map((e: any) => e.node);
    const newest = all[0].recordedAt;
    expect(await kinds({ from: newest })).toEqual(['InstitutionSettingsChanged']);
    expect((await kinds({ to: newest })).length).toBe(all.length - 1);
    const empty = await audit({ filter: { from: '2999-01-01T00:00:00Z' } });
    expect(empty).toMatchObject({ totalCount: 0, edges: [], pageInfo: { hasNextPage: false } });
  });

  it('is for admins only', async () => {
    for (const token of [advisor.token, await inst.studentToken(ada)]) {
      expect(errorCode(await graphql(t.app, token, AUDIT))).toBe('FORBIDDEN');
    }
  });

  it('shows a sign-in link by whom it links, never the account or address it carries', async () => {
    await t.app.get(EventStore).append(inst.tenantId, streamIds.identity(ada), [
      {
        type: 'IdentityLinked',
        data: {
          personId: ada,
          role: 'student',
          issuer: 'https://login.example.edu',
          matchedBy: 'email',
          at: new Date().toISOString(),
          personal: { subject: 'provider-subject-123', email: 'ada@students.test' },
        },
        metadata: { actorId: ada, actorRole: 'student' },
      },
    ]);
    const log = await audit({ first: 1, filter: { actions: ['IDENTITY_LINKED'] } });
    expect(log.edges[0].node).toMatchObject({
      action: 'IDENTITY_LINKED',
      actor: { id: ada, role: 'student', displayName: 'Ada Student' },
      subject: { kind: 'STUDENT', id: ada, displayName: 'Ada Student' },
      detail: null,
    });
    expect(JSON.stringify(log)).not.toMatch(/provider-subject-123|@/);
  });

  it('names erased people as erased, from the erasure events, whatever a record still says', async () => {
    // Stand-ins for the erasure service's events (apps/api/src/erasure, merged separately).
    const store = t.app.get(EventStore);
    await store.append(inst.tenantId, streamIds.student(ben), [
      {
        type: 'StudentErased',
        data: { studentId: ben, reason: 'request', at: new Date().toISOString() },
        metadata: { actorId: staffAdmin.staffId, actorRole: 'admin' },
      },
    ]);
    await store.append(inst.tenantId, streamIds.staff(staffAdmin.staffId), [
      {
        type: 'StaffMemberErased',
        data: { staffId: staffAdmin.staffId, reason: 'request', at: new Date().toISOString() },
        metadata: { actorId: `admin-${inst.slug}`, actorRole: 'admin' },
      },
    ]);
    const log = await audit({ first: 100 }, inst.adminToken);
    const nodes = log.edges.map((e: any) => e.node);
    expect(nodes[0]).toMatchObject({
      action: 'ERASURE',
      eventType: 'StaffMemberErased',
      subject: { kind: 'STAFF_MEMBER', id: staffAdmin.staffId, displayName: 'Erased staff member' },
    });
    expect(nodes[1]).toMatchObject({
      action: 'ERASURE',
      detail: 'Reason: request',
      actor: { id: staffAdmin.staffId, displayName: 'Erased staff member' },
      subject: { kind: 'STUDENT', id: ben, displayName: 'Erased student' },
    });
    const text = JSON.stringify(log);
    expect(text).not.toMatch(/Ben Student|Grace Admin|@/);
    expect(text).toContain('Ada Student');
  });

  it('reads a page along events_audit_idx, which covers every audited type', async () => {
    const [index] = await t.db.app.database.withTenant(inst.tenantId, (tx) =>
      tx.query<{ indexdef: string }>(
        `SELECT indexdef FROM pg_indexes WHERE indexname = 'events_audit_idx'`,
      ),
    );
    for (const type of AUDITED_EVENT_TYPES) expect(index.indexdef).toContain(`'${type}'`);
    expect(index.indexdef).toMatch(/\(tenant_id, global_position DESC\)/);

    const { sql, params } = auditStatement(inst.tenantId, {
      types: ['StudentEnrolled'],
      subjectId: ada,
      limit: 21,
      before: 1_000_000,
    });
    // A tiny test table is cheaper to scan: ask whether the index serves, not whether it wins.
    const plan = await t.db.app.database.withTenant(inst.tenantId, async (tx) => {
      await tx.execute(`SET LOCAL enable_seqscan = off`);
      return tx.query<Record<string, unknown>>(`EXPLAIN ${sql}`, params);
    });
    expect(JSON.stringify(plan)).toContain('events_audit_idx');
  });
});
