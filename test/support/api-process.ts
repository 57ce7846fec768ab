import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { TEST_JWT_SECRET } from './test-app';
import type { TestDatabase } from './test-database';

/** The key-encryption secret of child processes (and of in-process apps that share their log). */
export const TEST_DATA_KEY_SECRET = 'rapport-test-data-key-secret-rapport-test';

/** The built API (`dist/`, as `npm start` runs it) in a child process we can kill. */
export interface ApiProcess {
  url: string;
  child: ChildProcess;
  /** Resolves with how the process ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

export function apiEnv(db: TestDatabase, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  if (db.config.mode !== 'server') throw new Error('fault tests need TEST_DATABASE_URL');
  return {
    ...process.env,
    NODE_ENV: 'production',
    DATABASE_URL: db.config.url,
    DATABASE_OWNER_URL: db.config.ownerUrl,
    DATABASE_WORKER_URL: db.config.workerUrl,
    JWT_SECRET: TEST_JWT_SECRET,
    DATA_KEY_SECRET: TEST_DATA_KEY_SECRET,
    SEED_DEMO: 'false',
    DIGESTS: 'off',
    RATE_LIMIT: 'off',
    LOG_LEVEL: 'warn',
    DATA_DIR: mkdtempSync(join(tmpdir(), 'rapport-fault-')),
    ...extra,
  };
}

export async function startApi(
  db: TestDatabase,
  extra: Record<string, string> = {},
): Promise<ApiProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['dist/apps/api/src/main.js'], {
    env: apiEnv(db, { PORT: String(port), ...extra }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const api: ApiProcess = { url: `http://127.0.0.1:${port}`, child, exited, output: () => output };
  await until(
    async () => (await readiness(api)) === 200,
    60_000,
    () => output,
  );
  return api;
}

/** GET /health/ready's status, or 0 when nothing answers. */
export async function readiness(api: ApiProcess): Promise<number> {
  try {
    return (await fetch(`${api.url}/health/ready`)).status;
  } catch {
    return 0;
  }
}

/** Polls a condition (never a fixed sleep) until it holds or the deadline passes. */
export async function until(
  condition: () => Promise<boolean>,
  timeoutMs: number,
  describe: () => string = () => '',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline)
      throw new Error(`condition not met in ${timeoutMs} ms\n${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** An institution registered with the operator CLI, and an admin token for it. */
export async function registerInstitution(db: TestDatabase, slug: string) {
  const result = spawnSync(
    process.execPath,
    ['dist/apps/api/src/cli/create-institution.js', '--name', `Fault ${slug}`, '--slug', slug],
    { env: apiEnv(db), encoding: 'utf8' },
  );
  const tenantId = /tenant ([0-9a-f-]{36})/.exec(result.stdout)?.[1];
  if (result.status !== 0 || !tenantId) throw new Error(result.stdout + result.stderr);
  const adminToken = await new SignJWT({ tenant: tenantId, role: 'admin' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(`admin-${slug}`)
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(TEST_JWT_SECRET));
  return { tenantId, adminToken };
}

export function runCli(db: TestDatabase, script: string, args: string[] = []) {
  return spawnSync(process.execPath, [`dist/apps/api/src/cli/${script}.js`, ...args], {
    env: apiEnv(db),
    encoding: 'utf8',
  });
}

/** POSTs one GraphQL operation; rejects when the connection fails. */
export async function post(
  api: ApiProcess,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: await response.json() };
}

export const CREATE_COHORT = `mutation($input: CreateCohortInput!) {
  createCohort(input: $input) { clientMutationId cohort { id } }
}`;

export function cohortInput(key: string) {
  return {
    input: {
      clientMutationId: key,
      name: `Cohort ${key}`,
      term: 'Fall',
      startDate: '2026-09-01',
      endDate: '2026-12-15',
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
