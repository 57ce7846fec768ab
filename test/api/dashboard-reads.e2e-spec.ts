import type { INestApplication } from '@nestjs/common';
import { type CohortState } from '@rapport/domain';
import { DATA_KEYS, Database, type KeyRing, Tenants } from '@rapport/event-store';
import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { Actor } from '../../apps/api/src/auth/actor';
import {
  DEMO_SLUG,
  DemoSeedService,
  demoAdvisors,
} from '../../apps/api/src/demo/demo-seed.service';
import { ErasureService } from '../../apps/api/src/erasure/erasure.service';
import { DashboardCache } from '../../apps/api/src/progress/dashboard-cache';
import { ProgressService } from '../../apps/api/src/progress/progress.service';
import { CommandExecutor } from '../../apps/api/src/write/command-executor';
import { AggregateStatesRepository } from '../../apps/api/src/write/aggregate-states.repository';
import { caughtUp } from '../support/projections';
import { startInstance, startTestApp, type TestApp } from '../support/test-app';

const now = new Date('2026-11-27T15:00:00Z');
const FINGERPRINT = /rapport_dashboard_fingerprint/;
/** The statement a dashboard computation reads its students with (ProgressRepository.progressOfCohort). */
const COHORT_PROGRESS = /SELECT p\.state FROM student_enrolments e/;
const CONTROL = /^\s*(BEGIN|COMMIT|ROLLBACK)\b/;

interface Sent {
  text: string;
  name?: string;
}

/**
 * Records what one app's pool sends to the database, round trip by round trip (each
 * `client.query` is one), and can hold a statement back until the test lets it go. The driver is
 * observed, never answered for: every statement still runs on the real database.
 */
function wire(database: Database): Wire {
  let existing = wires.get(database);
  if (!existing) wires.set(database, (existing = wireUp(database)));
  return existing;
}

type Wire = ReturnType<typeof wireUp>;
const wires = new WeakMap<Database, Wire>();

function wireUp(database: Database) {
  const pool = (database.dataSource.driver as unknown as { master: Pool }).master;
  const wrapped = new WeakSet<object>();
  let sent: Sent[] | null = null;
  let hold: ((sent: Sent) => Promise<void>) | null = null;
  const onAnswered: ((sent: Sent) => void)[] = [];
  pool.on('acquire', (client: PoolClient) => {
    if (wrapped.has(client)) return;
    wrapped.add(client);
    const original = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>;
    (client as unknown as { query: unknown }).query = async (...args: unknown[]) => {
      const config = args[0] as string | { text: string; name?: string };
      const one: Sent =
        typeof config === 'string' ? { text: config } : { text: config.text, name: config.name };
      sent?.push(one);
      if (hold) await hold(one);
      const result = await original(...args);
      for (const listener of onAnswered) listener(one);
      return result;
    };
  });
  return {
    /** The round trips `work` made. */
    async during(work: () => Promise<unknown>): Promise<Sent[]> {
      const mine: Sent[] = [];
      sent = mine;
      try {
        await work();
      } finally {
        sent = null;
      }
      return mine;
    },
    holdWith(gate: ((sent: Sent) => Promise<void>) | null) {
      hold = gate;
    },
    onAnswered(listener: (sent: Sent) => void) {
      onAnswered.push(listener);
    },
  };
}

describe('dashboard reads (docs/adr/0029)', () => {
  let t: TestApp;
  let other: INestApplication;
  let tenantId: string;
  let health: string;
  let tech: CohortState & { status: 'active' };
  let admin: Actor;

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.get(DemoSeedService).seedIfEmpty(now);
    await caughtUp(t.app);
    tenantId = (await new Tenants(t.db.worker.database).findBySlug(DEMO_SLUG))!.tenantId;
    admin = { subject: 'admin-reads-test', tenantId, role: 'admin' };
    const cohorts = await t.app
      .get(AggregateStatesRepository)
      .list<CohortState>(tenantId, 'cohort');
    const assignedTo = (advisor: string) =>
      cohorts.find((c) => c.state.status === 'active' && c.state.advisorIds.includes(advisor))!;
    health = assignedTo(demoAdvisors[0].staffId).aggregateId!;
    tech = assignedTo(demoAdvisors[1].staffId).state as typeof tech;
    // A second API process on the same database, with its own pool, cache and key ring.
    other = await startInstance(t.db);
  });
  afterAll(async () => {
    await other?.close();
    await t?.close();
  });

  it('answers a cache hit with one statement: the named fingerprint call, tenant set inside it', async () => {
    const service = t.app.get(ProgressService);
    const database = t.app.get(Database);
    const db = wire(database);
    const first = await service.cohortDashboard(admin, health);
    let again: unknown;
    const sent = await db.during(
      async () => (again = await service.cohortDashboard(admin, health)),
    );
    expect(again).toEqual(first);
    const statements = sent.filter((s) => !CONTROL.test(s.text));
    expect(statements).toHaveLength(1);
    expect(statements[0].text).toMatch(FINGERPRINT);
    if (database.mode === 'server') {
      // The whole exchange, prepared once per connection.
      expect(sent).toHaveLength(1);
      expect(sent[0].name).toBe('rapport_dashboard_fingerprint');
    } // The embedded database wraps it in a transaction to set the role, and prepares nothing.
  });

  it('refuses, in that same statement, an advisor not assigned to the cohort, however warm the cache', async () => {
    const service = t.app.get(ProgressService);
    const db = wire(t.app.get(Database));
    const assigned: Actor = { subject: demoAdvisors[0].staffId, tenantId, role: 'advisor' };
    const stranger: Actor = { subject: demoAdvisors[1].staffId, tenantId, role: 'advisor' };
    await service.cohortDashboard(assigned, health);
    let refusal: unknown;
    const sent = await db.during(() =>
      service.cohortDashboard(stranger, health).catch((error: unknown) => (refusal = error)),
    );
    expect(refusal).toMatchObject({ message: 'You are not assigned to this cohort' });
    expect(sent.filter((s) => !CONTROL.test(s.text))).toHaveLength(1);
    await expect(service.cohortDashboard(admin, randomUUID())).rejects.toMatchObject({
      message: expect.stringMatching(/does not exist/),
    });
  });

  it('computes once for concurrent misses of one cohort', async () => {
    const service = t.app.get(ProgressService);
    const db = wire(t.app.get(Database));
    const callers = 8;
    t.app.get(DashboardCache).clear();
    // The computation's first read waits until every caller has its fingerprint and has
    // asked the cache: without single flight, each of them would be computing by then.
    let answered = 0;
    let everyoneAsked!: () => void;
    const asked = new Promise<void>((resolve) => (everyoneAsked = resolve));
    db.onAnswered((s) => {
      if (FINGERPRINT.test(s.text) && ++answered === callers) setImmediate(everyoneAsked); // after the callers' own continuations (microtasks)
    });
    db.holdWith((s) => (COHORT_PROGRESS.test(s.text) ? asked : Promise.resolve()));
    let answers: unknown[] = [];
    const sent = await db.during(
      async () =>
        (answers = await Promise.all(
          Array.from({ length: callers }, () => service.cohortDashboard(admin, health)),
        )),
    );
    db.holdWith(null);
    expect(sent.filter((s) => FINGERPRINT.test(s.text))).toHaveLength(callers);
    expect(sent.filter((s) => COHORT_PROGRESS.test(s.text))).toHaveLength(1);
    expect(new Set(answers).size).toBe(1);
  });

  it('does not serve another process a dashboard its data has moved past', async () => {
    const mine = t.app.get(ProgressService);
    const theirs = other.get(ProgressService);
    const before = await theirs.cohortDashboard(admin, health);
    const target = before.atTarget.target + 4;
    await t.app.get(CommandExecutor).execute(
      { actor: admin, correlationId: randomUUID(), now: new Date() },
      {
        type: 'UpdateCohort',
        data: { cohortId: health, interviewTargetOverride: target, at: new Date().toISOString() },
      },
    );
    expect((await mine.cohortDashboard(admin, health)).atTarget.target).toBe(target);
    expect((await theirs.cohortDashboard(admin, health)).atTarget.target).toBe(target);
  });

  it("forgets another process's dashboards when an erasure happens, even where its cohort's data did not change", async () => {
    const theirs = other.get(ProgressService);
    const db = wire(other.get(Database));
    await theirs.cohortDashboard(admin, health);
    const hit = await db.during(() => theirs.cohortDashboard(admin, health));
    expect(hit.filter((s) => COHORT_PROGRESS.test(s.text))).toHaveLength(0);

    // A student of the other cohort: the erasure re-folds that cohort, not this one.
    const [studentId] = [...tech.students.keys()];
    const ring = other.get<symbol, KeyRing>(DATA_KEYS);
    const heard = new Promise<void>((resolve) =>
      ring.onDropped((_tenant, owner) => owner === studentId && resolve()),
    );
    await t.app
      .get(ErasureService)
      .eraseStudentAsSystem(tenantId, studentId, 'retention', new Date());
    await heard;
    const after = await db.during(() => theirs.cohortDashboard(admin, health));
    expect(after.filter((s) => FINGERPRINT.test(s.text))).toHaveLength(1);
    expect(after.filter((s) => COHORT_PROGRESS.test(s.text))).toHaveLength(1);
  });
});
