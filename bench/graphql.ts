/**
 * GraphQL under HTTP load on loopback: the real application (`node dist/apps/api/src/main.js`,
 * built first if stale: every guard, pipe, plugin, the projection runner) on the seeded
 * database, beside two baselines on the same port, each with the same schema (schema.gql):
 *
 * - the bare constant server (bare-apollo.process.mjs): a bare `@apollo/server` answering a
 *   constant of the same shape (the response our server gave, captured just before);
 * - the bare write server (bare-write.process.mjs): the same, whose mutation first does one
 *   plain INSERT into a bare table of the same database: the physical limit of a durable write
 *   endpoint on this machine.
 *
 * Each server is its own plain Node process; autocannon runs in another (load.process.cjs), so
 * the bench process measures nothing of its own.
 *
 * - Mutation: `recordTouchpoint` by students on their own held interviews, rotating over many
 *   interviews so writers rarely race (no expected version: the executor re-decides on a race);
 *   against the bare write server.
 * - Query: the cohort dashboard (live) of a 200-student cohort, as the institution's admin;
 *   against the bare constant server.
 *
 * BENCH_CPU_PROF=<dir> starts our server with `node --cpu-prof --cpu-prof-dir <dir>`: one
 * .cpuprofile per round, written when it stops (open it in Chrome DevTools).
 */
import { type ChildProcess, fork, spawn, spawnSync } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import type { Actor } from '../apps/api/src/auth/actor';
import { TokenService } from '../apps/api/src/auth/token.service';
import { loadConfig } from '../apps/api/src/config/app-config';
import { type Args, DB_NAME, dbUrl, log, record, withClient } from './harness';
import { benchCohort } from './rebuild';
import { type SeedResult } from './seed';

const JWT_SECRET = 'rapport-bench-secret-rapport-bench-secret';

const DASHBOARD = `query Dashboard($id: ID!) {
  cohort(id: $id) {
    id
    dashboard {
      students
      funnel { stage count conversionFromPrevious medianDaysFromPrevious }
      atTarget { target students share }
      overdueFollowUps
      thankYouSla { decided breached breachRate }
      industryMix { industry contacts }
      weeklyActivity { week counts { key count } }
    }
  }
}`;

const TOUCHPOINT = `mutation Touchpoint($input: RecordTouchpointInput!) {
  recordTouchpoint(input: $input) { interview { id status version } }
}`;

interface LoadRequest {
  body: string;
  headers: Record<string, string>;
}

interface LoadResult {
  rps: number;
  total: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  graphqlErrors: number;
}

function load(
  url: string,
  connections: number,
  duration: number,
  requests: LoadRequest[],
): Promise<LoadResult> {
  const child = fork(join(process.cwd(), 'bench', 'load.process.cjs'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (m: LoadResult & { error?: string }) => {
      child.kill();
      if (m.error) reject(new Error(m.error));
      else resolve(m);
    });
    child.once('error', reject);
    child.send({ url, connections, duration, requests });
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function post(url: string, request: LoadRequest): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...request.headers },
    body: request.body,
  });
  const json = (await response.json()) as { data?: unknown; errors?: unknown };
  if (json.errors) throw new Error(`GraphQL errors: ${JSON.stringify(json.errors).slice(0, 500)}`);
  return json.data;
}

interface Server {
  stop(): Promise<void>;
}

function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** The application as deployed: the compiled entry point, configured by its environment. */
async function startRapport(database: string, port: number, dataDir: string) {
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(port),
    DATABASE_URL: dbUrl(database, 'rapport_app'),
    DATABASE_OWNER_URL: dbUrl(database, 'rapport_owner'),
    DATABASE_WORKER_URL: dbUrl(database, 'rapport_worker'),
    DATABASE_POOL_SIZE: '10',
    JWT_SECRET,
    // Production needs the data key secret; starting seals the seeded log in place (ADR 24).
    DATA_KEY_SECRET: 'rapport-bench-data-key-secret-0123456789',
    DATA_DIR: dataDir,
    SEED_DEMO: 'false',
    DIGESTS: 'off',
    // Take effect once the lead's rate limiting and request logs are merged; harmless before.
    RATE_LIMIT: 'off',
    LOG_LEVEL: 'warn',
  };
  const profile = process.env.BENCH_CPU_PROF;
  const flags = profile ? ['--cpu-prof', '--cpu-prof-dir', profile] : [];
  const child = spawn(process.execPath, [...flags, 'dist/apps/api/src/main.js'], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`the API exited with ${code} while starting`))),
  );
  exited.catch(() => undefined);
  const deadline = performance.now() + 120_000;
  for (;;) {
    const up = await Promise.race([
      fetch(`http://127.0.0.1:${port}/health/live`).then(
        (r) => r.ok,
        () => false,
      ),
      exited,
    ]);
    if (up) break;
    if (performance.now() > deadline) {
      await stopped(child);
      throw new Error('the API did not start within 120 s');
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const server: Server = { stop: () => stopped(child) };
  return { server, tokens: new TokenService(loadConfig(env)) };
}

/** A baseline server (bare-apollo or bare-write) in its own process, once it listens. */
async function startBare(
  script: 'bare-apollo.process.mjs' | 'bare-write.process.mjs',
  job: { port: number; answers: Record<string, unknown>; databaseUrl?: string; poolSize?: number },
): Promise<Server> {
  const child = fork(join(process.cwd(), 'bench', script), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    child.send(job);
  });
  return { stop: () => stopped(child) };
}

/** Students' held interviews whose meeting is in the past (a touchpoint must follow it). */
async function heldInterviews(
  database: string,
  tenantId: string,
  limit: number,
): Promise<{ interviewId: string; studentId: string }[]> {
  return withClient(dbUrl(database), async (c) => {
    const { rows } = await c.query<{ interview_id: string; student_id: string }>(
      `SELECT aggregate_id AS interview_id, student_id FROM aggregate_states
        WHERE tenant_id = $1 AND kind = 'interview' AND state->>'status' = 'held'
          AND (state->>'heldAt')::timestamptz < now() - interval '1 hour'
        ORDER BY stream_id LIMIT $2`,
      [tenantId, limit],
    );
    return rows.map((r) => ({ interviewId: r.interview_id, studentId: r.student_id }));
  });
}

export async function graphqlWorkload(
  database: string,
  seeded: SeedResult,
  tag: string,
  args: Args,
): Promise<void> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/graphql`;
  const dataDir = join(process.cwd(), '.data', `bench-${DB_NAME}`);
  await mkdir(dataDir, { recursive: true });
  // The compiled application, rebuilt when a source is newer (as `npm start` does).
  const build = spawnSync(process.execPath, ['scripts/build-if-needed.mjs'], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('building the API failed');
  const interviews = await heldInterviews(database, seeded.tenantId, 2_000);
  if (interviews.length < 50) throw new Error(`only ${interviews.length} held interviews to load`);
  log(`  ${interviews.length} held interviews for the mutation; cohort ${benchCohort(seeded)}`);

  const rounds = args.quick ? 1 : 2;
  const sum = {
    ours: new Map<string, LoadResult[]>(),
    bare: new Map<string, LoadResult[]>(),
    write: new Map<string, LoadResult[]>(),
  };
  const add = (side: keyof typeof sum, name: string, r: LoadResult) =>
    sum[side].set(name, [...(sum[side].get(name) ?? []), r]);
  const answers: Record<string, unknown> = {};
  let mutationRequests: LoadRequest[];
  let dashboardRequests: LoadRequest[];
  try {
    for (let round = 0; round < rounds; round++) {
      const { server, tokens } = await startRapport(database, port, dataDir);
      try {
        const sign = (actor: Actor) => tokens.sign(actor, '1h');
        const admin = await sign({
          subject: 'admin-bench',
          tenantId: seeded.tenantId,
          role: 'admin',
        });
        dashboardRequests = [
          {
            body: JSON.stringify({ query: DASHBOARD, variables: { id: benchCohort(seeded) } }),
            headers: { authorization: `Bearer ${admin}` },
          },
        ];
        mutationRequests = await Promise.all(
          interviews.map(async ({ interviewId, studentId }) => ({
            body: JSON.stringify({
              query: TOUCHPOINT,
              variables: {
                input: { interviewId, kind: 'shared_article', note: 'Sent an article' },
              },
            }),
            headers: {
              authorization: `Bearer ${await sign({
                subject: `user-${studentId}`,
                tenantId: seeded.tenantId,
                role: 'student',
                studentId,
              })}`,
            },
          })),
        );
        // One of each first: proves the requests succeed, warms the server, and is the constant
        // the bare server answers with. The mutation load goes first: the dashboard request
        // before the dashboard load waits out whatever the mutation load left in flight.
        answers.touchpoint = await post(url, mutationRequests[0]);
        add(
          'ours',
          'mutation',
          await load(url, args.connections, args.loadSeconds, mutationRequests),
        );
        answers.dashboard = await post(url, dashboardRequests[0]);
        add(
          'ours',
          'dashboard',
          await load(url, args.connections, args.loadSeconds, dashboardRequests),
        );
      } finally {
        await server.stop();
      }
      const bare = await startBare('bare-apollo.process.mjs', { port, answers });
      try {
        await post(url, mutationRequests[0]);
        add(
          'bare',
          'mutation',
          await load(url, args.connections, args.loadSeconds, mutationRequests),
        );
        await post(url, dashboardRequests[0]);
        add(
          'bare',
          'dashboard',
          await load(url, args.connections, args.loadSeconds, dashboardRequests),
        );
      } finally {
        await bare.stop();
      }
      // The same pool size as ours (DATABASE_POOL_SIZE), on the same database server.
      const write = await startBare('bare-write.process.mjs', {
        port,
        answers,
        databaseUrl: dbUrl(database),
        poolSize: 10,
      });
      try {
        await post(url, mutationRequests[0]);
        add(
          'write',
          'mutation',
          await load(url, args.connections, args.loadSeconds, mutationRequests),
        );
      } finally {
        await write.stop();
      }
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }

  const mean = (rs: LoadResult[], key: keyof LoadResult) =>
    rs.reduce((s, r) => s + r[key], 0) / rs.length;
  for (const [name, label, baseline] of [
    ['dashboard', 'cohort dashboard query', 'bare'],
    ['mutation', 'recordTouchpoint mutation', 'write'],
  ] as const) {
    const ours = sum.ours.get(name)!;
    const bare = sum[baseline].get(name)!;
    const baselineName =
      baseline === 'bare'
        ? 'bare @apollo/server, constant answer'
        : 'bare @apollo/server, one plain INSERT';
    const failures = ours.reduce(
      (s, r) => s + r.non2xx + r.errors + r.timeouts + r.graphqlErrors,
      0,
    );
    log(`  ${label}: ours ${JSON.stringify(ours)}\n  ${label}: bare ${JSON.stringify(bare)}`);
    const where = `${args.connections} connections, ${args.loadSeconds} s`;
    record(
      'graphql',
      `graphql ${tag}: ${label} throughput (${where})`,
      'req/s',
      mean(ours, 'rps'),
      {
        baseline: { name: baselineName, value: mean(bare, 'rps') },
        goal: { kind: 'min', of: 'ratio', target: 0.7 },
        ...(failures > 0 ? { note: `${failures} failed requests` } : {}),
      },
    );
    if (name === 'mutation') {
      // For reference: what HTTP and GraphQL alone cost, without the write.
      const constant = sum.bare.get(name)!;
      record(
        'graphql',
        `graphql ${tag}: ${label} throughput vs a constant answer`,
        'req/s',
        mean(ours, 'rps'),
        {
          baseline: { name: 'bare @apollo/server, constant answer', value: mean(constant, 'rps') },
        },
      );
    }
    // No answer within the run: the latency is at least the run's length (not 0).
    const latency = (key: 'p50' | 'p99') =>
      ours.some((r) => r.total === 0) ? args.loadSeconds * 1000 : mean(ours, key);
    if (ours.some((r) => r.total === 0)) log(`  ${label}: no request completed within a run`);
    record('graphql', `graphql ${tag}: ${label} p50 latency`, 'ms', latency('p50'), {
      baseline: { name: baselineName, value: mean(bare, 'p50') },
    });
    record('graphql', `graphql ${tag}: ${label} p99 latency`, 'ms', latency('p99'), {
      baseline: { name: baselineName, value: mean(bare, 'p99') },
      goal: { kind: 'max', of: 'value', target: 50 },
    });
    if (failures > 0) throw new Error(`${label}: ${failures} requests failed under load`);
  }
}
