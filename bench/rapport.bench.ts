/**
 * `npm run bench [-- --quick] [-- --events 200000,1000000] [-- --cohort-size 200]`
 *
 * Seeds `rapport_bench` with valid histories (see seed.ts), rebuilds every read model with the
 * ProjectionRebuilder as the owner role, times the cohort dashboard `asOf` at random instants
 * and EXPLAINs every statement the dashboard issues. Prints a table; writes bench/results.json.
 * Runs under jest only because ts-jest already resolves the `@rapport/*` aliases and ESM Nest.
 */
import {
  bootstrapSql,
  type Database,
  type DatabaseConfig,
  type DatabaseHandle,
  EventStore,
  openDatabase,
  ProjectionRebuilder,
  type Tx,
} from '@rapport/event-store';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import type { Actor } from '../apps/api/src/auth/actor';
import { migrations } from '../apps/api/src/database/migrations';
import { ProgressRepository } from '../apps/api/src/progress/progress.repository';
import { ProgressService } from '../apps/api/src/progress/progress.service';
import { projections } from '../apps/api/src/projections';
import { AggregateStatesRepository } from '../apps/api/src/write/aggregate-states.repository';
import { seed, type SeedResult } from './seed';

/** `npm run bench` runs from the repository root (jest's rootDir). */
const here = join(process.cwd(), 'bench');
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB_NAME = process.env.BENCH_DB ?? 'rapport_bench';
const TERM_START = new Date('2026-09-07T00:00:00.000Z');
const TERM_DAYS = 84;

interface Result {
  name: string;
  unit: string;
  value: number;
  baseline?: { name: string; value: number; ratio: number };
}

interface Args {
  sizes: number[];
  quick: boolean;
  cohortSize: number;
  instants: number;
}

function parseArgs(): Args {
  const argv = (process.env.BENCH_ARGS ?? '').split(/\s+/).filter(Boolean);
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const quick = argv.includes('--quick');
  const events = value('--events');
  return {
    quick,
    sizes: events
      ? events.split(',').map((n) => Number(n.replace(/_/g, '')))
      : quick
        ? [200_000]
        : [200_000, 1_000_000],
    cohortSize: Number(value('--cohort-size') ?? 200),
    instants: Number(value('--instants') ?? 5),
  };
}

const results: Result[] = [];
const planText: string[] = [];

function record(
  name: string,
  unit: string,
  value: number,
  baseline?: { name: string; value: number },
) {
  const rounded = Math.round(value * 100) / 100;
  results.push({
    name,
    unit,
    value: rounded,
    ...(baseline
      ? {
          baseline: {
            name: baseline.name,
            value: baseline.value,
            ratio: Math.round((value / baseline.value) * 1000) / 1000,
          },
        }
      : {}),
  });
  log(`  ${name.padEnd(58)} ${rounded.toLocaleString('en-US').padStart(14)} ${unit}`);
}

function log(line: string) {
  process.stdout.write(`${line}\n`);
}

function label(events: number): string {
  return events >= 1_000_000 ? `${events / 1_000_000}M` : `${Math.round(events / 1000)}k`;
}

async function withAdmin<T>(url: string, work: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function dbUrl(database: string, role?: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  if (role) {
    url.username = role;
    url.password = role;
  }
  return url.toString();
}

/** Drops and recreates rapport_bench, then migrates it exactly like the tests do. */
async function freshDatabase(): Promise<{ app: DatabaseHandle; owner: DatabaseHandle }> {
  await withAdmin(ADMIN_URL, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${DB_NAME}`);
  });
  await withAdmin(dbUrl(DB_NAME), (c) => c.query(bootstrapSql(DB_NAME)));
  const config: DatabaseConfig = {
    mode: 'server',
    url: dbUrl(DB_NAME, 'rapport_app'),
    ownerUrl: dbUrl(DB_NAME, 'rapport_owner'),
    poolSize: 10,
  };
  const app = await openDatabase(config, {
    role: 'app',
    migrate: migrations,
    applicationName: 'rapport-bench',
  });
  const owner = await app.as('owner');
  return { app, owner };
}

/** Samples the process RSS while `work` runs. */
async function sampledRss<T>(
  work: () => Promise<T>,
): Promise<{ result: T; peak: number; before: number }> {
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, peak, before };
  } finally {
    clearInterval(timer);
  }
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
    async query<R>(sql: string, params: unknown[] = []) {
      const started = performance.now();
      const rows = await tx.query<R>(sql, params);
      sink({ sql, params, ms: performance.now() - started, rows: rows.length });
      return rows;
    },
    execute: (sql: string, params?: unknown[]) => tx.execute(sql, params),
    setTenant: (id: string) => tx.setTenant(id),
  };
}

async function rebuildAll(owner: DatabaseHandle, seeded: SeedResult, tag: string) {
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
  const store = new EventStore(timed);
  const rebuilder = new ProjectionRebuilder(timed, store);
  const perProjection: { name: string; seconds: number; events: number }[] = [];
  const { peak, before } = await sampledRss(async () => {
    // One pass over the log feeds every projection, as `projections:rebuild -- --all` does.
    const r = await rebuilder.rebuildMany(projections);
    perProjection.push({ name: r.projections.join(' + '), seconds: r.seconds, events: r.events });
  });
  const seconds = perProjection.reduce((s, p) => s + p.seconds, 0);
  for (const p of perProjection) {
    record(`rebuild ${tag}: ${p.name}`, 'events/s', p.events / p.seconds, {
      name: 'goal',
      value: 30_000,
    });
  }
  record(
    `rebuild ${tag}: all read models (log events / total s)`,
    'events/s',
    seeded.events / seconds,
    {
      name: 'goal',
      value: 30_000,
    },
  );
  record(`rebuild ${tag}: all read models wall time`, 's', seconds);
  const sqlMs = [...bySql.values()].reduce((sum, e) => sum + e.ms, 0);
  log(
    `    statement time ${(sqlMs / 1000).toFixed(1)} s (incl. driver decode), JS/other ${(seconds - sqlMs / 1000).toFixed(1)} s:`,
  );
  for (const [sql, e] of [...bySql].sort((a, b) => b[1].ms - a[1].ms).slice(0, 8)) {
    log(`      ${(e.ms / 1000).toFixed(2).padStart(7)} s ${String(e.calls).padStart(5)}x  ${sql}`);
  }
  record(`rebuild ${tag}: time in SQL statements (incl. decode)`, 's', sqlMs / 1000);
  record(`rebuild ${tag}: peak RSS`, 'MB', peak / 2 ** 20);
  record(`rebuild ${tag}: RSS before rebuild`, 'MB', before / 2 ** 20);
  await withAdmin(dbUrl(DB_NAME), async (c) => {
    await c.query('ANALYZE');
    const { rows } = await c.query<{ relname: string; n: string; size: string }>(
      `SELECT relname, reltuples::bigint AS n, pg_size_pretty(pg_total_relation_size(oid)) AS size
         FROM pg_class WHERE relkind = 'r' AND relname IN ('events', 'aggregate_states', 'student_progress',
              'student_activity', 'student_progress_snapshots', 'settings_timelines')
        ORDER BY relname`,
    );
    for (const row of rows)
      log(
        `    ${row.relname.padEnd(18)} ${String(row.n).padStart(10)} rows ${row.size.padStart(10)}`,
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

async function dashboards(
  app: DatabaseHandle,
  seeded: SeedResult,
  tag: string,
  args: Args,
  explain: boolean,
) {
  const captured: Captured[] = [];
  const db = capturing(app.database, captured);
  const service = new ProgressService(
    new ProgressRepository(db, new EventStore(db)),
    new AggregateStatesRepository(db),
  );
  const actor: Actor = { subject: 'admin-bench', tenantId: seeded.tenantId, role: 'admin' };
  const cohortId = seeded.cohortIds[Math.floor(seeded.cohortIds.length / 2)];
  log(`  cohort ${cohortId}: ${args.cohortSize} students`);

  // Warm-up: connections, JIT, plan caches. Reported, not part of the asOf numbers.
  let t = performance.now();
  await service.cohortDashboard(actor, cohortId, seeded.termEnd);
  record(`dashboard ${tag}: first asOf call (cold, term end)`, 'ms', performance.now() - t);

  for (const [i, asOf] of instants(args.instants, seeded).entries()) {
    captured.length = 0;
    t = performance.now();
    const dashboard = await service.cohortDashboard(actor, cohortId, asOf);
    const ms = performance.now() - t;
    const eventsRead = captured.find((c) => c.sql.includes('student_activity'));
    const sqlMs = captured.reduce((s, c) => s + c.ms, 0);
    record(`dashboard ${tag}: asOf #${i + 1} ${asOf.toISOString()}`, 'ms', ms, {
      name: 'goal',
      value: 1000,
    });
    log(
      `      ${eventsRead?.rows ?? 0} events folded for ${dashboard.students} students; ` +
        `SQL+decode ${sqlMs.toFixed(0)} ms (eventsUpTo ${eventsRead?.ms.toFixed(0)} ms), JS fold+dashboard ${(ms - sqlMs).toFixed(0)} ms`,
    );
  }
  captured.length = 0;
  t = performance.now();
  await service.cohortDashboard(actor, cohortId);
  record(`dashboard ${tag}: live (no asOf)`, 'ms', performance.now() - t);
  if (!explain) return;

  // Every distinct statement an asOf and a live dashboard issue, EXPLAINed as the app role.
  const asOfCall: Captured[] = [];
  const dbAsOf = capturing(app.database, asOfCall);
  await new ProgressService(
    new ProgressRepository(dbAsOf, new EventStore(dbAsOf)),
    new AggregateStatesRepository(dbAsOf),
  ).cohortDashboard(actor, cohortId, instants(1, seeded)[0]);
  const statements = new Map<string, Captured>();
  for (const c of [...asOfCall, ...captured]) statements.set(c.sql, c);
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
    const onEvents = scans.filter((s) => s === 'events').length;
    seqOnEvents += onEvents;
    const short = sql.replace(/\s+/g, ' ').trim().slice(0, 90);
    log(`    EXPLAIN ${short}…`);
    log(
      `      ${plan.json['Execution Time'].toFixed(1)} ms, ${c.rows} rows, seq scans: ${scans.length ? scans.join(', ') : 'none'}`,
    );
    planText.push(
      `-- ${tag}\n-- ${sql.replace(/\s+/g, ' ').trim()}\n-- params: ${JSON.stringify(c.params)}\n${plan.text}\n`,
    );
    record(`explain ${tag}: ${short.slice(0, 40)}… exec time`, 'ms', plan.json['Execution Time']);
  }
  record(`explain ${tag}: Seq Scan nodes on events (must be 0)`, 'count', seqOnEvents);
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

function flush(): void {
  writeFileSync(join(here, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(here, 'plans.txt'), planText.join('\n'));
}

test('rapport benchmark', async () => {
  const args = parseArgs();
  const started = performance.now();
  log(
    `\nRapport benchmark: sizes ${args.sizes.map(label).join(', ')}, ${args.cohortSize} students per cohort`,
  );
  for (const [index, size] of args.sizes.entries()) {
    const tag = label(size);
    log(`\n== ${tag} events ==`);
    const { app, owner } = await freshDatabase();
    try {
      const seeded = await withAdmin(dbUrl(DB_NAME), (c) =>
        seed(c, {
          events: size,
          studentsPerCohort: args.cohortSize,
          termStart: TERM_START,
          termDays: TERM_DAYS,
        }),
      );
      log(
        `  seeded ${seeded.events} events, ${seeded.streams} streams, ${seeded.students} students, ` +
          `${seeded.cohortIds.length} cohorts (generate ${seeded.generateSeconds.toFixed(1)} s, write ${seeded.writeSeconds.toFixed(1)} s)`,
      );
      record(`seed ${tag}: events`, 'events', seeded.events);
      record(`seed ${tag}: students`, 'students', seeded.students);
      record(
        `seed ${tag}: throughput`,
        'events/s',
        seeded.events / (seeded.generateSeconds + seeded.writeSeconds),
      );
      await rebuildAll(owner, seeded, tag);
      await dashboards(app, seeded, tag, args, index === 0);
      flush(); // a long run that is interrupted still leaves the finished sizes
    } finally {
      await owner.close();
      await app.close();
    }
  }
  record('total bench wall time', 's', (performance.now() - started) / 1000);
  flush();
  log(`\nwrote bench/results.json and bench/plans.txt`);
});
