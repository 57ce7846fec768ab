import { jest } from '@jest/globals';
import { streamIds } from '@rapport/domain';
import { Logger } from '@nestjs/common';
import { Database, EventStore, Tenants } from '@rapport/event-store';
import { ErasureService } from '../../apps/api/src/erasure/erasure.service';
import { RetentionRepository } from '../../apps/api/src/retention/retention.repository';
import { RetentionService } from '../../apps/api/src/retention/retention.service';
import type { StudentEraser } from '../../apps/api/src/retention/student-eraser';
import { AggregateStatesRepository } from '../../apps/api/src/write/aggregate-states.repository';
import { newInstitution } from '../support/builders';
import { errorCode, graphql, ok } from '../support/graphql';
import { caughtUp } from '../support/projections';
import { startInstance, startTestApp, type TestApp } from '../support/test-app';
import type { INestApplication } from '@nestjs/common';

// 18:00 UTC is noon in Chicago: the institutions' local day is 2026-12-08.
const now = new Date('2026-12-08T18:00:00Z');
const nextDay = new Date('2026-12-09T18:00:00Z');

/** The real erasure service, with the students it was asked to erase written down. */
class RecordingEraser implements StudentEraser {
  readonly calls: string[] = [];
  constructor(private readonly app: INestApplication) {}

  eraseStudentAsSystem(tenantId: string, studentId: string, reason: 'retention', at: Date) {
    this.calls.push(studentId);
    return this.app.get(ErasureService).eraseStudentAsSystem(tenantId, studentId, reason, at);
  }
}

function retentionOn(app: INestApplication, eraser: StudentEraser): RetentionService {
  return new RetentionService(
    app.get(Database),
    app.get(EventStore),
    app.get(Tenants),
    app.get(AggregateStatesRepository),
    app.get(RetentionRepository),
    eraser,
  );
}

describe('retention', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  async function cohort(admin: string, name: string, startDate: string, endDate: string) {
    const created = await graphql(
      t.app,
      admin,
      `
        mutation ($input: CreateCohortInput!) {
          createCohort(input: $input) {
            cohort {
              id
            }
          }
        }
      `,
      { input: { name, term: name, startDate, endDate } },
    );
    return ok(created).createCohort.cohort.id as string;
  }

  async function enrol(admin: string, cohortId: string, email: string): Promise<string> {
    const enrolled = await graphql(
      t.app,
      admin,
      `
        mutation ($input: EnrollStudentsInput!) {
          enrollStudents(input: $input) {
            accepted {
              studentId
            }
            rejected {
              reason
            }
          }
        }
      `,
      { input: { cohortId, rows: [{ name: `Student ${email}`, email }] } },
    );
    const accepted = ok(enrolled).enrollStudents.accepted as { studentId: string }[];
    expect(accepted).toHaveLength(1);
    return accepted[0].studentId;
  }

  async function erasedCount(tenantId: string, studentId: string): Promise<number> {
    const rows = await t.db.app.database.withTenant(tenantId, (tx) =>
      tx.query(
        `SELECT 1 FROM events WHERE tenant_id = $1 AND stream_id = $2 AND type = 'StudentErased'`,
        [tx.tenantId, streamIds.student(studentId)],
      ),
    );
    return rows.length;
  }

  async function sweepEvents(tenantId: string) {
    return t.db.app.database.withTenant(tenantId, (tx) =>
      tx.query<{ data: { day: string; erasedStudentIds: string[]; at: string }; metadata: any }>(
        `SELECT data, metadata FROM events
          WHERE tenant_id = $1 AND stream_id = 'institution' AND type = 'RetentionSweepCompleted'
          ORDER BY global_position`,
        [tx.tenantId],
      ),
    );
  }

  it('keeps the setting per institution: 24 months by default, 1-240, changed by admins', async () => {
    const inst = await newInstitution(t);
    const read = ok(
      await graphql(
        t.app,
        inst.adminToken,
        `
          {
            institution {
              settings {
                retentionMonthsAfterCohortEnd
              }
            }
          }
        `,
      ),
    );
    expect(read.institution.settings.retentionMonthsAfterCohortEnd).toBe(24);
    const change = (months: number, token = inst.adminToken) =>
      graphql(
        t.app,
        token,
        `
          mutation ($input: ChangeInstitutionSettingsInput!) {
            changeInstitutionSettings(input: $input) {
              institution {
                settings {
                  retentionMonthsAfterCohortEnd
                }
              }
            }
          }
        `,
        { input: { settings: { retentionMonthsAfterCohortEnd: months } } },
      );
    for (const months of [0, 241]) expect(errorCode(await change(months))).toBe('BAD_USER_INPUT');
    expect(errorCode(await change(6, await inst.advisorToken('adv-1')))).toBe('FORBIDDEN');
    expect(
      ok(await change(240)).changeInstitutionSettings.institution.settings
        .retentionMonthsAfterCohortEnd,
    ).toBe(240);
  });

  it('erases, once, the students whose last cohort ended more than N months ago, per institution', async () => {
    const logged = jest.spyOn(Logger.prototype, 'log');
    const a = await newInstitution(t, { timeZone: 'America/Chicago' });
    const b = await newInstitution(t, { timeZone: 'America/Chicago' });
    // Institution B keeps students 6 months; A the default 24.
    ok(
      await graphql(
        t.app,
        b.adminToken,
        `
          mutation ($input: ChangeInstitutionSettingsInput!) {
            changeInstitutionSettings(input: $input) {
              institution {
                id
              }
            }
          }
        `,
        { input: { settings: { retentionMonthsAfterCohortEnd: 6 } } },
      ),
    );

    const old = await cohort(a.adminToken, 'Old', '2024-01-10', '2024-05-31');
    const dayBefore = await cohort(a.adminToken, 'Day before', '2024-09-01', '2024-12-07');
    const boundary = await cohort(a.adminToken, 'Boundary', '2024-09-01', '2024-12-08');
    const later = await cohort(a.adminToken, 'Later', '2026-09-01', '2026-12-15');
    const expired = await enrol(a.adminToken, old, 'expired@a.test');
    const pastBoundary = await enrol(a.adminToken, dayBefore, 'past-boundary@a.test');
    const onBoundary = await enrol(a.adminToken, boundary, 'on-boundary@a.test');
    // Enrolled in the old cohort, then in a later one: the later end date counts.
    const returning = await enrol(a.adminToken, old, 'returning@a.test');
    expect(await enrol(a.adminToken, later, 'returning@a.test')).toBe(returning);
    const current = await enrol(a.adminToken, later, 'current@a.test');
    const erasedBefore = await enrol(a.adminToken, old, 'erased-before@a.test');

    // In B, six months: a cohort ended 2026-05-31 is due (2026-11-30 < 2026-12-08)…
    const bSpring = await cohort(b.adminToken, 'Spring', '2026-01-10', '2026-05-31');
    const bDue = await enrol(b.adminToken, bSpring, 'due@b.test');
    // …one ended 2026-06-08 is on its boundary day.
    const bJune = await cohort(b.adminToken, 'June', '2026-06-01', '2026-06-08');
    const bKept = await enrol(b.adminToken, bJune, 'kept@b.test');
    await caughtUp(t.app);

    const eraser = new RecordingEraser(t.app);
    await eraser.eraseStudentAsSystem(a.tenantId, erasedBefore, 'retention', now);
    eraser.calls.length = 0;

    const repository = t.app.get(RetentionRepository);
    expect(await repository.due(a.tenantId, '2026-12-08', 24)).toEqual(
      [expired, pastBoundary].sort(),
    );
    // The same cohort ended 24 months before tomorrow: due tomorrow, not today.
    expect(await repository.due(a.tenantId, '2026-12-09', 24)).toEqual(
      [expired, pastBoundary, onBoundary].sort(),
    );
    expect(await repository.due(b.tenantId, '2026-12-08', 6)).toEqual([bDue]);

    const service = retentionOn(t.app, eraser);
    const sweeps = await service.tick(now);
    const byTenant = new Map(sweeps.map((s) => [s.tenantId, s]));
    expect(byTenant.get(a.tenantId)).toEqual({
      tenantId: a.tenantId,
      day: '2026-12-08',
      erasedStudentIds: [expired, pastBoundary].sort(),
    });
    expect(byTenant.get(b.tenantId)!.erasedStudentIds).toEqual([bDue]);
    expect(eraser.calls.sort()).toEqual([expired, pastBoundary, bDue].sort());
    for (const id of [onBoundary, returning, current, bKept])
      expect(await erasedCount(a.tenantId, id)).toBe(0);

    // The same day again: claimed already, nobody is looked at.
    eraser.calls.length = 0;
    expect(await service.sweep(a.tenantId, now)).toBeNull();
    expect(eraser.calls).toEqual([]);

    // The next day: the erased are not selected again; the boundary student is now due.
    const tomorrow = await service.sweep(a.tenantId, nextDay);
    expect(tomorrow!.erasedStudentIds).toEqual([onBoundary]);
    expect(eraser.calls).toEqual([onBoundary]);
    for (const id of [expired, pastBoundary, onBoundary, erasedBefore])
      expect(await erasedCount(a.tenantId, id)).toBe(1);

    // The report: one event per institution and day, ids only, by the system.
    const events = await sweepEvents(a.tenantId);
    expect(events.map((e) => e.data)).toEqual([
      {
        day: '2026-12-08',
        erasedStudentIds: [expired, pastBoundary].sort(),
        at: now.toISOString(),
      },
      { day: '2026-12-09', erasedStudentIds: [onBoundary], at: nextDay.toISOString() },
    ]);
    expect(events[0].metadata).toMatchObject({ actorId: 'retention', actorRole: 'system' });
    const lines = logged.mock.calls
      .map((c) => String(c[0]))
      .filter((l) => l.startsWith('retention '));
    expect(lines).toContain(
      `retention 2026-12-08 tenant ${a.tenantId}: 2 students erased (${[expired, pastBoundary].sort().join(', ')})`,
    );
    expect(lines.join('\n')).not.toMatch(/@|Student /);
    logged.mockRestore();

    // The audit log shows the sweeps.
    const audit = ok(
      await graphql(
        t.app,
        a.adminToken,
        `
          {
            auditLog(first: 5, filter: { actions: [RETENTION_SWEEP] }) {
              totalCount
              edges {
                node {
                  action
                  actor {
                    id
                    role
                    displayName
                  }
                  subject {
                    kind
                    id
                  }
                  detail
                }
              }
            }
          }
        `,
      ),
    ).auditLog;
    expect(audit.totalCount).toBe(2);
    expect(audit.edges.map((e: any) => e.node)).toEqual([
      {
        action: 'RETENTION_SWEEP',
        actor: { id: 'retention', role: 'system', displayName: 'Rapport' },
        subject: { kind: 'INSTITUTION', id: a.tenantId },
        detail: '1 students erased',
      },
      {
        action: 'RETENTION_SWEEP',
        actor: { id: 'retention', role: 'system', displayName: 'Rapport' },
        subject: { kind: 'INSTITUTION', id: a.tenantId },
        detail: '2 students erased',
      },
    ]);
  });

  it('keeps a student whose move to a later cohort the projections have not applied yet', async () => {
    const inst = await newInstitution(t);
    const old = await cohort(inst.adminToken, 'Old', '2023-01-10', '2023-05-31');
    const later = await cohort(inst.adminToken, 'Later', '2026-09-01', '2026-12-15');
    const student = await enrol(inst.adminToken, old, 'mover@d.test');
    await caughtUp(t.app);
    expect(await t.app.get(RetentionRepository).due(inst.tenantId, '2026-12-08', 24)).toEqual([
      student,
    ]);
    expect(await enrol(inst.adminToken, later, 'mover@d.test')).toBe(student);
    // No catching up: student_enrolments does not know of the move yet; the student state does.
    expect(await t.app.get(RetentionRepository).due(inst.tenantId, '2026-12-08', 24)).toEqual([]);
  });

  it('sweeps a day once when two processes run it at the same time', async () => {
    const inst = await newInstitution(t);
    const old = await cohort(inst.adminToken, 'Old', '2023-01-10', '2023-05-31');
    const ids = [
      await enrol(inst.adminToken, old, 'one@c.test'),
      await enrol(inst.adminToken, old, 'two@c.test'),
      await enrol(inst.adminToken, old, 'three@c.test'),
    ].sort();
    await caughtUp(t.app);

    const other = await startInstance(t.db);
    try {
      const first = retentionOn(t.app, new RecordingEraser(t.app));
      const second = retentionOn(other, new RecordingEraser(other));
      const results = await Promise.all([
        first.sweep(inst.tenantId, now),
        second.sweep(inst.tenantId, now),
      ]);
      const ran = results.filter((r) => r !== null);
      expect(ran).toHaveLength(1);
      expect(ran[0].erasedStudentIds).toEqual(ids);
      for (const id of ids) expect(await erasedCount(inst.tenantId, id)).toBe(1);
      expect(await sweepEvents(inst.tenantId)).toHaveLength(1);
    } finally {
      await other.close();
    }
  });
});
