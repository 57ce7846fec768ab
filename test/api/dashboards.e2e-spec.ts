import {
  Database,
  EventStore,
  ProjectionRebuilder,
  Tenants,
  type RecordedEvent,
} from '@rapport/event-store';
import { projections } from '../../apps/api/src/projections';
import { DEMO_SLUG, DemoSeedService } from '../../apps/api/src/demo/demo-seed.service';
import { migrations } from '../../apps/api/src/database/migrations';
import { ProgressRepository } from '../../apps/api/src/progress/progress.repository';
import { AccessService } from '../../apps/api/src/access/access.service';
import { ProgressService } from '../../apps/api/src/progress/progress.service';
import {
  studentProgressProjection,
  textArray,
} from '../../apps/api/src/progress/student-progress.projection';
import { aggregateStateProjection } from '../../apps/api/src/write/aggregate-state.projection';
import { AggregateStatesRepository } from '../../apps/api/src/write/aggregate-states.repository';
import { StateCache } from '../../apps/api/src/write/state-cache';
import { errorCode, graphql, ok } from '../support/graphql';
import { caughtUp } from '../support/projections';
import { startTestApp, type TestApp } from '../support/test-app';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import type { Actor } from '../../apps/api/src/auth/actor';

const now = new Date('2026-11-27T15:00:00Z');

const COHORT_PAGE = `query($id: ID!, $first: Int, $after: String, $sort: StudentSort) {
  cohort(id: $id) {
    students(first: $first, after: $after, sort: $sort) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node {
        id name
        progress { stage interviews { held target } thankYous { sent withinWindow } }
        followUps { kind dueAt overdue }
        risk { score reasons }
        contacts { totalCount edges { node { id relationship } } }
        interviews { totalCount edges { node { id status } } }
      } }
    }
  }
}`;

describe('dashboards on the demo institution', () => {
  let t: TestApp;
  let tenantId: string;
  let admin: string;
  let advisor: string;
  let student: string;
  let studentId: string;
  let cohortId: string;

  beforeAll(async () => {
    t = await startTestApp();
    const tokens = (await t.app.get(DemoSeedService).seedIfEmpty(now))!;
    await caughtUp(t.app);
    tenantId = (await new Tenants(t.db.worker.database).findBySlug(DEMO_SLUG))!.tenantId;
    ({ admin, advisor, student, studentId } = tokens);
    cohortId = ok(
      await graphql(
        t.app,
        advisor,
        `
          {
            cohorts {
              id
            }
          }
        `,
      ),
    ).cohorts[0].id;
  });
  afterAll(() => t.close());

  it('answers the cohort dashboard: funnel, target share, SLA, industries, weekly activity', async () => {
    const { dashboard } = ok(
      await graphql(
        t.app,
        advisor,
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
    expect(dashboard.students).toBe(20);
    expect(dashboard.funnel.map((s: { stage: string }) => s.stage)).toEqual([
      'contacts',
      'requested',
      'accepted',
      'scheduled',
      'held',
      'thanked',
      'referral',
    ]);
    const counts = dashboard.funnel.map((s: { count: number }) => s.count);
    expect(counts.slice(1)).toEqual([...counts.slice(1)].sort((a: number, b: number) => b - a));
    expect(dashboard.atTarget.target).toBe(3);
    expect(dashboard.atTarget.students).toBeGreaterThan(0);
    expect(dashboard.overdueFollowUps).toBeGreaterThan(0);
    expect(dashboard.thankYouSla.breached).toBeGreaterThan(0);
    expect(dashboard.industryMix.length).toBeGreaterThan(1);
    expect(dashboard.weeklyActivity.length).toBeGreaterThanOrEqual(10);
  });

  it('reuses a live cohort dashboard while its data is unchanged, and sees a change at once', async () => {
    const service = t.app.get(ProgressService);
    const database = t.app.get(Database);
    const actor: Actor = { subject: 'admin-cache-test', tenantId, role: 'admin' };
    const { cohortId: ownCohort } = ok(
      await graphql(
        t.app,
        admin,
        `
          query ($id: ID!) {
            student(id: $id) {
              cohortId
            }
          }
        `,
        {
          id: studentId,
        },
      ),
    ).student;
    const statements = async (work: () => Promise<unknown>) => {
      const before = database.statements;
      await work();
      return database.statements - before;
    };

    const first = await service.cohortDashboard(actor, ownCohort);
    let again: unknown;
    const reused = await statements(
      async () => (again = await service.cohortDashboard(actor, ownCohort)),
    );
    const computed = await statements(() =>
      service.cohortDashboard(actor, ownCohort, undefined, new Date()),
    );
    expect(again).toEqual(first);
    expect(reused).toBeLessThan(computed); // only the fingerprint was read

    ok(
      await graphql(
        t.app,
        student,
        `
          mutation {
            addContact(input: { name: "Cache Buster", relationship: friend }) {
              contact {
                id
              }
            }
          }
        `,
      ),
    );
    await caughtUp(t.app);
    const changed = await service.cohortDashboard(actor, ownCohort);
    const contacts = (d: typeof first) => d.funnel.find((s) => s.stage === 'contacts')!.count;
    expect(contacts(changed)).toBe(contacts(first) + 1);
  });

  it('pages the cohort students with a constant number of SQL statements, whatever the page size', async () => {
    const database = t.app.get(Database);
    const statementsFor = async (first: number) => {
      const before = database.statements;
      const page = ok(
        await graphql(t.app, advisor, COHORT_PAGE, { id: cohortId, first, sort: 'RISK' }),
      ).cohort.students;
      return { statements: database.statements - before, page };
    };
    const small = await statementsFor(5);
    const large = await statementsFor(20);
    expect(small.page.edges).toHaveLength(5);
    expect(large.page.edges).toHaveLength(20);
    expect(large.statements).toBe(small.statements);

    const risks = large.page.edges.map(
      (e: { node: { risk: { score: number } } }) => e.node.risk.score,
    );
    expect(risks).toEqual([...risks].sort((a, b) => b - a));
    const next = ok(
      await graphql(t.app, advisor, COHORT_PAGE, {
        id: cohortId,
        first: 5,
        after: small.page.pageInfo.endCursor,
        sort: 'RISK',
      }),
    ).cohort.students;
    expect(next.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(
      large.page.edges.slice(5, 10).map((e: { node: { id: string } }) => e.node.id),
    );
  });

  it("shows a student's progress, follow-ups, timeline and referral network to that student", async () => {
    const view = ok(
      await graphql(
        t.app,
        student,
        `
          query ($id: ID!) {
            student(id: $id) {
              progress {
                stage
                interviews {
                  held
                }
                referrals {
                  received
                }
                adherence {
                  thankedWithinWindow {
                    count
                    of
                    rate
                  }
                }
              }
              followUps {
                kind
                dueAt
                overdue
                interviewId
                contactId
                remaining
              }
              timeline(first: 3) {
                totalCount
                pageInfo {
                  hasNextPage
                  endCursor
                }
                edges {
                  node {
                    at
                    kind
                    title
                    detail
                  }
                }
              }
              referralNetwork {
                maxDepth
                nodes {
                  contactId
                  parentContactId
                  depth
                }
              }
              contacts(first: 2) {
                totalCount
                pageInfo {
                  hasNextPage
                  endCursor
                }
                edges {
                  node {
                    id
                  }
                }
              }
              interviews(first: 100) {
                totalCount
                edges {
                  node {
                    id
                    status
                  }
                }
              }
            }
          }
        `,
        { id: studentId },
      ),
    ).student;
    expect(view.progress.interviews.held).toBeGreaterThanOrEqual(3);
    expect(view.referralNetwork.maxDepth).toBeGreaterThanOrEqual(3);
    expect(view.timeline.edges).toHaveLength(3);
    expect(view.timeline.totalCount).toBeGreaterThan(3);
    const ats = view.timeline.edges.map((e: { node: { at: string } }) => e.node.at);
    expect(ats).toEqual([...ats].sort().reverse());
    expect(JSON.stringify(view.timeline)).not.toMatch(/@/);

    const second = ok(
      await graphql(
        t.app,
        student,
        `
          query ($id: ID!, $after: String) {
            student(id: $id) {
              timeline(first: 3, after: $after) {
                edges {
                  node {
                    at
                  }
                }
              }
            }
          }
        `,
        {
          id: studentId,
          after: view.timeline.pageInfo.endCursor,
        },
      ),
    ).student.timeline.edges;
    expect(second[0].node.at <= ats[2]).toBe(true);
  });

  it('ranks the advisor’s students by risk with reasons, and keeps dashboards from students', async () => {
    const ranked = ok(
      await graphql(
        t.app,
        advisor,
        `
          {
            advisorDashboard(first: 100) {
              totalCount
              edges {
                node {
                  student {
                    id
                    name
                  }
                  risk {
                    score
                    reasons
                  }
                }
              }
            }
          }
        `,
      ),
    ).advisorDashboard.edges.map((e: { node: unknown }) => e.node);
    expect(ranked).toHaveLength(20);
    expect(ranked[0].risk.score).toBeGreaterThan(0);
    expect(ranked[0].risk.reasons.length).toBeGreaterThan(0);
    const all = ok(
      await graphql(
        t.app,
        admin,
        `
          {
            advisorDashboard(first: 100) {
              totalCount
              edges {
                node {
                  student {
                    id
                  }
                }
              }
            }
          }
        `,
      ),
    ).advisorDashboard;
    expect(all.totalCount).toBe(40);
    expect(all.edges).toHaveLength(40);
    expect(
      errorCode(
        await graphql(
          t.app,
          student,
          `
            {
              advisorDashboard {
                totalCount
              }
            }
          `,
        ),
      ),
    ).toBe('FORBIDDEN');
    expect(
      errorCode(
        await graphql(
          t.app,
          student,
          `
            query ($id: ID!) {
              cohort(id: $id) {
                dashboard {
                  students
                }
              }
            }
          `,
          { id: cohortId },
        ),
      ),
    ).toBe('FORBIDDEN');
  });

  it('answers asOf exactly as a rebuild of the history truncated at that instant', async () => {
    const events: RecordedEvent[] = [];
    const store = new EventStore(t.db.worker.database, undefined, t.app.get(EventStore).privacy);
    for (
      let page = await store.readAll({ transactionId: '0', globalPosition: 0 }, 5000);
      page.events.length > 0;
    ) {
      events.push(...page.events);
      page = await store.readAll(page.checkpoint, 5000);
    }
    const actor: Actor = { subject: 'admin-demo', tenantId, role: 'admin' };
    // The demo's histories are recorded out of order of their instants: late events must
    // have updated the snapshots that asOf starts from.
    const [{ snapshots }] = await t.db.app.database.withTenant(tenantId, (tx) =>
      tx.query<{ snapshots: number }>(
        `SELECT count(*)::int AS snapshots FROM student_progress_snapshots`,
      ),
    );
    expect(snapshots).toBeGreaterThan(40);
    const live = new ProgressService(
      new ProgressRepository(t.db.app.database, store),
      new AggregateStatesRepository(t.db.app.database, new StateCache()),
      new AccessService(
        new AggregateStatesRepository(t.db.app.database, new StateCache()),
        new StateCache(),
      ),
    );

    for (const instant of [
      '2026-10-01T12:00:00Z',
      '2026-10-29T08:30:00Z',
      '2026-11-20T00:00:00Z',
    ]) {
      const asOf = new Date(instant);
      const truncated: TestDatabase = await createTestDatabase(migrations);
      try {
        const db2 = truncated.app.database;
        await new Tenants(truncated.worker.database).create({
          slug: DEMO_SLUG,
          name: 'Demo',
          tenantId,
        });
        const upTo = events.filter(
          (e) => ((e.data as { at?: string }).at ?? '') <= asOf.toISOString(),
        );
        await db2.withTenant(tenantId, async (tx) => {
          await aggregateStateProjection.apply(upTo, { tx, table: (n) => n });
          await studentProgressProjection.apply(upTo, { tx, table: (n) => n });
        });
        const rebuilt = new ProgressService(
          new ProgressRepository(
            db2,
            new EventStore(db2, undefined, t.app.get(EventStore).privacy),
          ),
          new AggregateStatesRepository(db2, new StateCache()),
          new AccessService(new AggregateStatesRepository(db2, new StateCache()), new StateCache()),
        );
        expect(await live.cohortDashboard(actor, cohortId, asOf)).toEqual(
          await rebuilt.cohortDashboard(actor, cohortId, undefined, asOf),
        );
      } finally {
        await truncated.close();
      }
    }
  });

  it('rebuilds every read model in one pass to exactly what incremental projection built', async () => {
    const snapshotOf = () =>
      t.db.app.database.withTenant(tenantId, async (tx) => ({
        progress: await tx.query(
          `SELECT student_id, cohort_id, state, last_event_at FROM student_progress ORDER BY student_id`,
        ),
        snapshots: await tx.query(
          `SELECT student_id, period_start, state FROM student_progress_snapshots ORDER BY 1, 2`,
        ),
        activity: await tx.query(
          `SELECT * FROM student_activity ORDER BY student_id, global_position`,
        ),
        timeline: await tx.query(`SELECT timeline FROM settings_timelines`),
        aggregates: await tx.query(
          `SELECT stream_id, version, state FROM aggregate_states ORDER BY stream_id`,
        ),
      }));
    const incremental = await snapshotOf();
    const owner = t.db.owner.database;
    // Tiny batches and memo limits: states cross many batches and transactions (3 pages
    // each), are written out with queued writes and read back.
    const result = await new ProjectionRebuilder(
      owner,
      new EventStore(owner, undefined, t.app.get(EventStore).privacy),
      97,
      5,
      3,
    ).rebuildMany(projections);
    expect(result.projections).toEqual([
      'aggregate-states',
      'student-progress',
      'identity-links',
      'nudge-effect',
    ]);
    expect(await snapshotOf()).toEqual(incremental);
  });

  it('writes activity columns as array literals that PostgreSQL reads back unchanged', async () => {
    const values = [
      'plain',
      'with "quotes"',
      'back\\slash\\',
      'a,b',
      '{braces}',
      ' spaced ',
      'NULL',
      '',
      'ünïcode – ✓',
      null,
    ];
    const [row] = await t.db.app.database.withoutTenant((tx) =>
      tx.query<{ a: (string | null)[] }>(`SELECT $1::text[] AS a`, [textArray(values, (v) => v)]),
    );
    expect(row.a).toEqual(values);
  });

  it('verifies every read model against a rebuild of the history, and notices a tampered row or state', async () => {
    const owner = t.db.owner.database;
    const rebuilder = new ProjectionRebuilder(
      owner,
      new EventStore(owner, undefined, t.app.get(EventStore).privacy),
      500,
      50,
    );
    for (const projection of projections) {
      for (const count of Object.values(await rebuilder.verify(projection))) expect(count).toBe(0);
    }
    await t.db.app.database.withTenant(tenantId, (tx) =>
      tx.query(`UPDATE student_progress SET last_activity_at = now() WHERE student_id = $1`, [
        studentId,
      ]),
    );
    const progress = projections.find((p) => p.name === 'student-progress')!;
    expect((await rebuilder.verify(progress)).student_progress).toBe(2);

    // States are json, which has no equality: rows are compared as jsonb.
    await t.db.app.database.withTenant(tenantId, (tx) =>
      tx.query(`UPDATE aggregate_states SET state = '{}' WHERE stream_id = 'student-' || $1`, [
        studentId,
      ]),
    );
    const aggregates = projections.find((p) => p.name === 'aggregate-states')!;
    expect((await rebuilder.verify(aggregates)).aggregate_states).toBe(2);
  });
});
