/**
 * Shared pieces of the benchmark harness: arguments, scratch databases, and the one results
 * table every workload adds to. Each entry is measured beside a baseline **in the same run**
 * (ratio = ours / baseline) and, where the issue sets one, checked against a goal.
 */
import {
  bootstrapSql,
  type DatabaseConfig,
  type DatabaseHandle,
  openDatabase,
} from '@rapport/event-store';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrations } from '../apps/api/src/database/migrations';
import { type TestDatabase, withClient } from '../test/support/test-database';

/** `npm run bench` runs from the repository root (jest's rootDir). */
export const BENCH_DIR = join(process.cwd(), 'bench');
export const ADMIN_URL =
  process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** Every database the bench creates is named after this, so two runs can share a server. */
export const DB_NAME = process.env.BENCH_DB ?? 'rapport_bench';

export const WORKLOADS = [
  'append',
  'rebuild',
  'asof',
  'graphql',
  'digests',
  'roster',
  'tokens',
  'encryption',
] as const;
export type Workload = (typeof WORKLOADS)[number];

export interface Args {
  quick: boolean;
  /** Events seeded for the rebuild (one run per size; the last one feeds asOf and GraphQL). */
  sizes: number[];
  cohortSize: number;
  instants: number;
  only: Set<Workload>;
  /** Seconds per append measurement (each system, each shape). */
  appendSeconds: number;
  /** Seconds per autocannon run. */
  loadSeconds: number;
  connections: number;
  digests: number;
  /** Provider tokens each system verifies (the tokens workload). */
  tokens: number;
}

export function parseArgs(raw = process.env.BENCH_ARGS ?? ''): Args {
  const argv = raw.split(/\s+/).filter(Boolean);
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const num = (flag: string, fallback: number) => {
    const v = value(flag);
    return v === undefined ? fallback : Number(v.replace(/_/g, ''));
  };
  const quick = argv.includes('--quick');
  const events = value('--events');
  const only = value('--only');
  const selected = only ? only.split(',') : [...WORKLOADS];
  for (const w of selected) {
    if (!(WORKLOADS as readonly string[]).includes(w))
      throw new Error(`--only takes ${WORKLOADS.join(',')}; got ${w}`);
  }
  return {
    quick,
    sizes: events
      ? events.split(',').map((n) => Number(n.replace(/_/g, '')))
      : quick
        ? [200_000]
        : [200_000, 1_000_000],
    cohortSize: num('--cohort-size', 200),
    instants: num('--instants', 5),
    only: new Set(selected as Workload[]),
    appendSeconds: num('--append-seconds', quick ? 1.5 : 5),
    loadSeconds: num('--load-seconds', quick ? 4 : 15),
    connections: num('--connections', 10),
    digests: num('--digests', Number(process.env.BENCH_DIGESTS ?? (quick ? 1_000 : 10_000))),
    tokens: num('--tokens', quick ? 5_000 : 20_000),
  };
}

export interface Goal {
  /** `min`: value must be >= target; `max`: value must be <= target. */
  kind: 'min' | 'max';
  target: number;
  /** What the target applies to: the value itself, or the ratio to the baseline. */
  of: 'value' | 'ratio';
}

export interface Entry {
  workload: Workload | 'seed';
  name: string;
  unit: string;
  value: number;
  /** Measured in the same run, beside ours. ratio = value / baseline.value. */
  baseline?: { name: string; value: number; ratio: number };
  goal?: { kind: 'min' | 'max'; of: 'value' | 'ratio'; target: number; met: boolean };
  note?: string;
}

const entries: Entry[] = [];

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

export function record(
  workload: Entry['workload'],
  name: string,
  unit: string,
  value: number,
  extra: { baseline?: { name: string; value: number }; goal?: Goal; note?: string } = {},
): Entry {
  const baseline = extra.baseline
    ? {
        name: extra.baseline.name,
        value: round(extra.baseline.value),
        ratio: round(value / extra.baseline.value, 3),
      }
    : undefined;
  let goal: Entry['goal'];
  if (extra.goal) {
    const measured = extra.goal.of === 'ratio' ? baseline?.ratio : value;
    if (measured === undefined) throw new Error(`${name}: a ratio goal needs a baseline`);
    const met =
      extra.goal.kind === 'min' ? measured >= extra.goal.target : measured <= extra.goal.target;
    goal = { ...extra.goal, met };
  }
  const entry: Entry = {
    workload,
    name,
    unit,
    value: round(value),
    ...(baseline ? { baseline } : {}),
    ...(goal ? { goal } : {}),
    ...(extra.note ? { note: extra.note } : {}),
  };
  entries.push(entry);
  log(
    `  ${name}: ${fmt(entry.value)} ${unit}${baseline ? ` (${baseline.name} ${fmt(baseline.value)}, ${baseline.ratio}x)` : ''}`,
  );
  return entry;
}

export function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

function fmt(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: Math.abs(n) >= 100 ? 0 : 2 });
}

export function writeResults(meta: Record<string, unknown>): void {
  writeFileSync(
    join(BENCH_DIR, 'results.json'),
    `${JSON.stringify({ ...meta, entries }, null, 2)}\n`,
  );
}

function goalText(g: NonNullable<Entry['goal']>, unit: string): string {
  const op = g.kind === 'min' ? '>=' : '<=';
  const target = g.of === 'ratio' ? `${g.target}x` : `${fmt(g.target)} ${unit}`;
  return `${op} ${target} ${g.met ? 'met' : 'MISSED'}`;
}

/** The one table of the run: every entry, its baseline, the ratio and the goal. */
export function printTable(): string {
  const rows = entries.map((e) => [
    e.name,
    `${fmt(e.value)} ${e.unit}`,
    e.baseline ? `${fmt(e.baseline.value)} ${e.unit} (${e.baseline.name})` : '',
    e.baseline ? `${e.baseline.ratio}x` : '',
    e.goal ? goalText(e.goal, e.unit) : '',
  ]);
  const head = ['workload', 'ours', 'baseline (same run)', 'ratio', 'goal'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 || i === 2 || i === 4 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  const text = [
    line(head),
    `|${widths.map((w, i) => (i === 0 || i === 2 || i === 4 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
    ...rows.map(line),
  ].join('\n');
  log(`\n${text}\n`);
  return text;
}

export { withClient };

export function dbUrl(database: string, role?: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  if (role) {
    url.username = role;
    url.password = role;
  }
  return url.toString();
}

/** Drops and recreates `name` (empty, no roles or migrations). */
export async function recreate(name: string): Promise<void> {
  await withClient(ADMIN_URL, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${name}`);
  });
}

export async function dropDatabase(name: string): Promise<void> {
  await withClient(ADMIN_URL, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

export function databaseConfig(name: string, poolSize: number): DatabaseConfig {
  return {
    mode: 'server',
    url: dbUrl(name, 'rapport_app'),
    ownerUrl: dbUrl(name, 'rapport_owner'),
    workerUrl: dbUrl(name, 'rapport_worker'),
    poolSize,
  };
}

/** Drops and recreates `name`, then migrates it exactly like the tests do. */
export async function freshDatabase(
  name: string,
  poolSize = 10,
): Promise<{ app: DatabaseHandle; owner: DatabaseHandle }> {
  await recreate(name);
  await withClient(dbUrl(name), (c) => c.query(bootstrapSql(name)));
  const app = await openDatabase(databaseConfig(name, poolSize), {
    role: 'app',
    migrate: migrations,
    applicationName: 'rapport-bench',
  });
  const owner = await app.as('owner');
  return { app, owner };
}

/**
 * A fresh database as the tests see it (app, owner and worker pools), for workloads that start
 * the API on it with `startInstance`; closes the pools and drops it afterwards.
 */
export async function withTestDatabase<T>(
  name: string,
  poolSize: number,
  work: (db: TestDatabase) => Promise<T>,
): Promise<T> {
  const { app, owner } = await freshDatabase(name, poolSize);
  const worker = await app.as('worker');
  const db: TestDatabase = {
    config: databaseConfig(name, poolSize),
    app,
    owner,
    worker,
    name,
    close: async () => undefined,
  };
  try {
    return await work(db);
  } finally {
    await worker.close();
    await owner.close();
    await app.close();
    await dropDatabase(name);
  }
}

/** Samples this process's RSS every `everyMs` while `work` runs. */
export async function sampledRss<T>(
  work: () => Promise<T>,
  everyMs = 20,
): Promise<{ result: T; peak: number; before: number }> {
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, everyMs);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, peak, before };
  } finally {
    clearInterval(timer);
  }
}

export const MB = 2 ** 20;
