import {
  bootstrapSql,
  type DatabaseConfig,
  type DatabaseHandle,
  type MigrationClass,
  openDatabase,
  quoteIdent,
} from '@rapport/event-store';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * Tests run against the PostgreSQL server named by TEST_DATABASE_URL (a superuser URL, as on
 * CI) or, when it is unset or RAPPORT_TEST_DB=pglite, against an in-memory PGlite.
 */
export function testServerUrl(): string | null {
  if (process.env.RAPPORT_TEST_DB === 'pglite') return null;
  return process.env.TEST_DATABASE_URL ?? null;
}

export const onRealPostgres = testServerUrl() !== null;

export interface TestDatabase {
  config: DatabaseConfig;
  app: DatabaseHandle;
  owner: DatabaseHandle;
  /** The rapport_worker role: cross-tenant background work (runner, tenant registry, claims). */
  worker: DatabaseHandle;
  /** A plain superuser client on the same database, for checks from outside the app. */
  name: string;
  close(): Promise<void>;
}

export interface TestDatabaseOptions {
  statementTimeoutMs?: number;
}

export async function createTestDatabase(
  migrations: readonly MigrationClass[],
  options: TestDatabaseOptions = {},
): Promise<TestDatabase> {
  const adminUrl = testServerUrl();
  if (!adminUrl) return createEmbedded(migrations, options);
  const name = `rapport_test_${randomBytes(6).toString('hex')}`;
  await withClient(adminUrl, (c) => c.query(`CREATE DATABASE ${quoteIdent(name)}`));
  await withClient(databaseUrl(adminUrl, name), (c) => c.query(bootstrapSql(name)));
  const config: DatabaseConfig = {
    mode: 'server',
    url: databaseUrl(adminUrl, name, 'rapport_app'),
    ownerUrl: databaseUrl(adminUrl, name, 'rapport_owner'),
    workerUrl: databaseUrl(adminUrl, name, 'rapport_worker'),
    poolSize: 20,
    ...options,
  };
  const app = await openDatabase(config, { role: 'app', migrate: migrations });
  const owner = await app.as('owner');
  const worker = await app.as('worker');
  return {
    config,
    app,
    owner,
    worker,
    name,
    async close() {
      await app.close();
      await owner.close();
      await worker.close();
      await withClient(adminUrl, (c) => c.query(`DROP DATABASE ${quoteIdent(name)} WITH (FORCE)`));
    },
  };
}

async function createEmbedded(
  migrations: readonly MigrationClass[],
  options: TestDatabaseOptions,
): Promise<TestDatabase> {
  const config: DatabaseConfig = { mode: 'embedded', dataDir: null, poolSize: 10, ...options };
  const app = await openDatabase(config, { role: 'app', migrate: migrations });
  const owner = await app.as('owner');
  const worker = await app.as('worker');
  return {
    config,
    app,
    owner,
    worker,
    name: 'postgres',
    async close() {
      await owner.close();
      await worker.close();
      await app.close();
    },
  };
}

export function databaseUrl(adminUrl: string, database: string, role?: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  if (role) {
    url.username = role;
    url.password = role;
  }
  return url.toString();
}

export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
