/**
 * Rebuild and time travel on a seeded log (see seed.ts).
 *
 * - Rebuild: every projection of `apps/api/src/projections.ts` with the ProjectionRebuilder as
 *   the owner role, beside the floor it cannot beat: reading the same log through the same
 *   `EventStore.readAll` (`rapport_read_all_events`, same page size, rows decoded the same way)
 *   without applying anything.
 * - Time travel: the cohort dashboard `asOf` 5 pseudo-random instants, each beside the live
 *   dashboard of the same cohort measured right after it.
 * - EXPLAIN of every statement a dashboard issues (written to bench/plans.txt).
 */
import {
  type Database,
  type DatabaseHandle,
  EventStore,
  ProjectionRebuilder,
  START,
  type Tx,
} from '@rapport/event-store';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Actor } from '../apps/api/src/auth/actor';
import { ProgressRepository } from '../apps/api/src/progress/progress.repository';
import { AccessService } from '../apps/api/src/access/access.service';
import { ProgressService } from '../apps/api/src/progress/progress.service';
import { projections } from '../apps/api/src/projections';
import { AggregateStatesRepository } from '../apps/api/src/write/aggregate-states.repository';
import { StateCache } from '../apps/api/src/write/state-cache';
import { type Args, BENCH_DIR, dbUrl, log, MB, record, sampledRss, withClient } from './harness';
import { type SeedResult } from './seed';

const REBUILD_BATCH = 10_000;
const planText: string[] = [];

export function writePlans(): void {
  writeFileSync(join(BENCH_DIR, 'plans.txt'), planText.join('\n'));
}

interface Captured {
  sql: string;
  params: unknown[];
  ms: number;
  rows: number;
}

/** The app's Database, with every tenant statement timed and captured (for EXPLAIN). */
function capturing(db: Database, captured: Captured[] | ((c: Captured) => void)): Database {
  const wrapped = Object.create(db) as Database;
  wrapped.withTenant = <T>(tenantId: string, work: (tx: Tx) => Promise<T>) =>
    db.withTenant(tenantId, (tx) => work(timedTx(tx, captured)));
  wrapped.withoutTenant = <T>(work: (tx: Tx) => Promise<T>) =>
    db.withoutTenant((tx) => work(timedTx(tx, captured)));
  return wrapped;
}

function timedTx(tx: Tx, captured: Captured[] | ((c: Captured) => void)): Tx {
  const sink = typeof captured === 'function' ? captured : (c: Captured) => captured.push(c);
  return {
    get tenantId() {
      return tx.tenantId;
    },
    async query<R>(sql: string, params: unknown[] = [], name?: string) {
      const started = performance.now();
      const rows = await tx.query<R>(sql, params, name);
      sink({ sql, params, ms: performance.now() - started, rows: rows.length });
      return rows;
    },
    execute: (sql: string, params?: unknown[]) => tx.execute(sql, params),
    setTenant: (id: string) => tx.setTenant(id),
  };
}

/** The floor of a rebuild: the whole log through readAll, decoded, applied to nothing. */
async function readWholeLog(owner: DatabaseHandle): Promise<{ events: number; seconds: number }> {
  const store = new EventStore(owner.database);
  const started = performance.now();
  let events = 0;
  let checkpoint = START;
  for (;;) {
    const page = await store.readAll(checkpoint, REBUILD_BATCH);
    if (page.events.length === 0) break;
    events += page.events.length;
    checkpoint = page.checkpoint;
  }
  return { events, seconds: (performance.now() - started) / 1000 };
}

export async function rebuildWorkload(
  owner: DatabaseHandle,
  database: string,
  seeded: SeedResult,
  tag: string,
  quick: boolean,
): Promise<void> {
  // Statement time by statement (params dropped); the rest of the wall time is JS in this process.
  const bySql = new Map<string, { ms: number; calls: number; rows: number }>();
  const timed = capturing(owner.database, (c) => {
    const key = c.sql.replace(/\s+/g, ' ').trim().slice(0, 80);
    const entry = bySql.get(key) ?? { ms: 0, calls: 0, rows: 0 };
    entry.ms += c.ms;
    entry.calls++;
    entry.rows += c.rows;
    bySql.set(key, entry);
  });
  // The floor after the rebuild (caches as warm as the rebuild left them); a full run also
  // reads before it, and the faster pass counts.
  const floorBefore = quick ? null : await sampledRss(() => readWholeLog(owner));
  const rebuilder = new ProjectionRebuilder(timed, new EventStore(timed), REBUILD_BATCH);
  const { result, peak, before } = await sampledRss(() => rebuilder.rebuildMany(projections));
  const floorAfter = await sampledRss(() => readWholeLog(owner));
  const rate = (p: typeof floorAfter) => p.result.events / p.result.seconds;
  const floor = floorBefore && rate(floorBefore) > rate(floorAfter) ? floorBefore : floorAfter;
  log(
    `  log read floor: ${floorBefore ? `${floorBefore.result.seconds.toFixed(1)} s before, ` : ''}${floorAfter.result.seconds.toFixed(1)} s after the rebuild`,
  );
  record(
    'rebuild',
    `rebuild ${tag}: all read models (${result.projections.length} projections, one pass)`,
    'events/s',
    seeded.events / result.seconds,
    {
      baseline: {
        name: 'read the log via rapport_read_all_events',
        value: floor.result.events / floor.result.seconds,
      },
      goal: { kind: 'min', of: 'value', target: 30_000 },
      note: `${result.seconds.toFixed(1)} s for ${seeded.events} events`,
    },
  );
  record('rebuild', `rebuild ${tag}: peak RSS`, 'MB', peak / MB, {
    baseline: { name: 'peak RSS reading the log', value: floor.peak / MB },
    note: `RSS before the rebuild ${(before / MB).toFixed(0)} MB`,
  });
  const sqlMs = [...bySql.values()].reduce((sum, e) => sum + e.ms, 0);
  log(
    `    rebuild ${result.seconds.toFixed(1)} s; statement time ${(sqlMs / 1000).toFixed(1)} s (incl. driver decode), JS/other ${(result.seconds - sqlMs / 1000).toFixed(1)} s; RSS before ${(before / MB).toFixed(0)} MB`,
  );
  for (const [sql, e] of [...bySql].sort((a, b) => b[1].ms - a[1].ms).slice(0, 8)) {
    log(`      ${(e.ms / 1000).toFixed(2).padStart(7)} s ${String(e.calls).padStart(5)}x  ${sql}`);
  }
  await withClient(dbUrl(database), async (c) => {
    await c.query('ANALYZE');
    const { rows } = await c.query<{ relname: string; n: string; size: string }>(
      `SELECT relname, reltuples::bigint AS n, pg_size_pretty(pg_total_relation_size(oid)) AS size
         FROM pg_class WHERE relkind = 'r' AND relname IN ('events', 'aggregate_states', 'student_progress',
              'student_activity', 'student_progress_snapshots', 'settings_timelines')
        ORDER BY relname`,
    );
    for (const row of rows)
      log(
        `    ${row.relname.padEnd(26)} ${String(row.n).padStart(10)} rows ${row.size.padStart(10)}`,
      );
  });
}

/** Deterministic instants inside the term (after week one, so every cohort has history). */
function instants(count: number, seeded: SeedResult): Date[] {
  let s = 7;
  const next = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
  const from = seeded.termStart.getTime() + 7 * 86_400_000;
  const to = seeded.termEnd.getTime();
  return Array.from({ length: count }, () => new Date(Math.round(from + next() * (to - from))));
}

export function benchCohort(seeded: SeedResult): string {
  return seeded.cohortIds[Math.floor(seeded.cohortIds.length / 2)];
}

export async function asOfWorkload(
  app: DatabaseHandle,
  seeded: SeedResult,
  tag: string,
  args: Args,
  explain: boolean,
): Promise<void> {
  const captured: Captured[] = [];
  const db = capturing(app.database, captured);
  const service = new ProgressService(
    new ProgressRepository(db, new EventStore(db)),
    new AggregateStatesRepository(db, new StateCache()),
    new AccessService(new AggregateStatesRepository(db, new StateCache()), new StateCache()),
  );
  const actor: Actor = { subject: 'admin-bench', tenantId: seeded.tenantId, role: 'admin' };
  const cohortId = benchCohort(seeded);
  log(`  cohort ${cohortId}: ${args.cohortSize} students`);
  const timedCall = async (asOf?: Date) => {
    captured.length = 0;
    const t = performance.now();
    const dashboard = await service.cohortDashboard(actor, cohortId, asOf);
    return { ms: performance.now() - t, dashboard };
  };

  // Warm-up: connections, JIT, plan caches (reported in the log only).
  log(
    `    first asOf call (cold, term end): ${(await timedCall(seeded.termEnd)).ms.toFixed(0)} ms`,
  );
  log(`    first live call: ${(await timedCall()).ms.toFixed(0)} ms`);

  for (const [i, asOf] of instants(args.instants, seeded).entries()) {
    const { ms, dashboard } = await timedCall(asOf);
    const eventsRead = captured.find((c) => c.sql.includes('student_activity'));
    const sqlMs = captured.reduce((s, c) => s + c.ms, 0);
    const live = await timedCall();
    record('asof', `time travel ${tag}: dashboard asOf #${i + 1} ${asOf.toISOString()}`, 'ms', ms, {
      baseline: { name: 'live dashboard, same cohort', value: live.ms },
      goal: { kind: 'max', of: 'value', target: 1000 },
      note: `${eventsRead?.rows ?? 0} events folded for ${dashboard.students} students`,
    });
    log(
      `      ${eventsRead?.rows ?? 0} events folded for ${dashboard.students} students; ` +
        `SQL+decode ${sqlMs.toFixed(0)} ms, JS fold+dashboard ${(ms - sqlMs).toFixed(0)} ms`,
    );
  }
  if (!explain) return;

  // Every distinct statement an asOf and a live dashboard issue, EXPLAINed as the app role.
  const statements = new Map<string, Captured>();
  for (const asOf of [instants(1, seeded)[0], undefined]) {
    await timedCall(asOf);
    for (const c of captured) statements.set(c.sql, c);
  }
  let seqOnEvents = 0;
  for (const [sql, c] of statements) {
    const plan = await app.database.withTenant(seeded.tenantId, async (tx) => {
      const [json] = await tx.query<{ 'QUERY PLAN': PlanRoot[] }>(
        `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`,
        c.params,
      );
      const text = await tx.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN (ANALYZE, BUFFERS) ${sql}`,
        c.params,
      );
      return { json: json['QUERY PLAN'][0], text: text.map((r) => r['QUERY PLAN']).join('\n') };
    });
    const scans = seqScans(plan.json.Plan);
    seqOnEvents += scans.filter((s) => s === 'events').length;
    const short = sql.replace(/\s+/g, ' ').trim().slice(0, 90);
    log(`    EXPLAIN ${short}…`);
    log(
      `      ${plan.json['Execution Time'].toFixed(1)} ms, ${c.rows} rows, seq scans: ${scans.length ? scans.join(', ') : 'none'}`,
    );
    planText.push(
      `-- ${tag}\n-- ${sql.replace(/\s+/g, ' ').trim()}\n-- params: ${JSON.stringify(c.params)}\n${plan.text}\n`,
    );
  }
  record(
    'asof',
    `time travel ${tag}: Seq Scan nodes on events in dashboard plans`,
    'nodes',
    seqOnEvents,
    {
      goal: { kind: 'max', of: 'value', target: 0 },
    },
  );
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}
interface PlanRoot {
  Plan: PlanNode;
  'Execution Time': number;
}

function seqScans(node: PlanNode): string[] {
  const own = node['Node Type'] === 'Seq Scan' ? [node['Relation Name'] ?? '?'] : [];
  return [...own, ...(node.Plans ?? []).flatMap(seqScans)];
}
