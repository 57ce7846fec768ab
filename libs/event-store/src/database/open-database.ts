import { DataSource, type MigrationInterface } from 'typeorm';
import { Database, type DatabaseMode } from './database';
import {
  type EmbeddedServer,
  embeddedUrl,
  findRunningEmbeddedServer,
  startEmbeddedServer,
} from './embedded-postgres';
import { bootstrapSql, type RoleName, Roles } from './roles';

/** What both modes share. */
interface CommonDatabaseConfig {
  poolSize?: number;
  /**
   * Longest a statement of the application role may run, in ms; PostgreSQL cancels it after
   * that (SQLSTATE 57014). The owner role (migrations, rebuilds) is never limited. Server
   * only: PGlite runs single-threaded in WebAssembly and has no timer to cancel a statement.
   */
  statementTimeoutMs?: number;
}

export type DatabaseConfig =
  | (CommonDatabaseConfig & {
      mode: 'server';
      /** The application role's connection (request paths). */
      url: string;
      /** The owner role's connection, for migrations and table swaps. */
      ownerUrl?: string;
      /** The worker role's connection, for cross-tenant background work (docs/adr/0011). */
      workerUrl?: string;
    })
  | (CommonDatabaseConfig & {
      mode: 'embedded';
      /** PGlite data directory; null keeps everything in memory (tests). */
      dataDir: string | null;
    });

export type MigrationClass = new () => MigrationInterface;

export type DatabaseRole = 'app' | 'owner' | 'worker';

export interface OpenOptions {
  /** Which role the returned database acts as. */
  role: DatabaseRole;
  /** Run these migrations (as the owner) before returning. */
  migrate?: readonly MigrationClass[];
  applicationName?: string;
  /**
   * Runs as the owner right after migrations were run (by this call), for the steps that need
   * configuration a migration cannot have: sealing personal data with the configured key
   * (docs/adr/0024). Idempotent steps only: it runs on every start that migrates.
   */
  afterMigrate?: (owner: Database) => Promise<void>;
}

export interface DatabaseHandle {
  database: Database;
  mode: DatabaseMode;
  /** One line for logs and the `health` query; never contains a password. */
  description: string;
  /** Another pool on the same database acting as another role (tests, CLIs, the worker). */
  as(role: DatabaseRole): Promise<DatabaseHandle>;
  close(): Promise<void>;
}

export class MissingOwnerConnectionError extends Error {
  constructor() {
    super(
      'Migrations are pending and DATABASE_OWNER_URL is not set. ' +
        'Run `npm run migrate` with DATABASE_OWNER_URL pointing at the rapport_owner role.',
    );
    this.name = 'MissingOwnerConnectionError';
  }
}

export class MissingWorkerConnectionError extends Error {
  constructor() {
    super(
      'DATABASE_WORKER_URL is not set. Background work (projections, digests, registering ' +
        'institutions) connects as the rapport_worker role, never as the API role: set ' +
        'DATABASE_WORKER_URL to a connection string for rapport_worker (docs/adr/0011).',
    );
    this.name = 'MissingWorkerConnectionError';
  }
}

const MIGRATIONS_TABLE = 'migrations';
const WORKER_POOL_SIZE = 4;

export async function openDatabase(
  config: DatabaseConfig,
  options: OpenOptions,
): Promise<DatabaseHandle> {
  return config.mode === 'server' ? openServer(config, options) : openEmbedded(config, options);
}

async function openServer(
  config: Extract<DatabaseConfig, { mode: 'server' }>,
  options: OpenOptions,
): Promise<DatabaseHandle> {
  const url = serverUrl(config, options.role);
  const migrations = options.migrate ?? [];
  if (migrations.length > 0) {
    if (config.ownerUrl) {
      await runMigrations(config.ownerUrl, migrations, null, 'server', options.afterMigrate);
    } else if (await hasPendingMigrations(url, migrations)) {
      throw new MissingOwnerConnectionError();
    }
  }
  // A server session belongs to one pool, so the limits are set once per connection.
  const sessionLimits: Record<string, number> =
    options.role !== 'owner' && config.statementTimeoutMs
      ? {
          statement_timeout: config.statementTimeoutMs,
          // A transaction left open by a bug would hold back every async projection (xid8 fence).
          idle_in_transaction_session_timeout: Math.max(config.statementTimeoutMs * 6, 60_000),
        }
      : {};
  const dataSource = await connect(
    url,
    // Background work runs a few transactions at a time; requests get the configured pool.
    options.role === 'worker'
      ? Math.min(config.poolSize ?? 10, WORKER_POOL_SIZE)
      : (config.poolSize ?? 10),
    migrations,
    options.applicationName,
    sessionLimits,
  );
  const database = new Database(dataSource, { mode: 'server', localRole: null });
  return {
    database,
    mode: 'server',
    description: `PostgreSQL at ${redact(url)}`,
    as: (role) => openServer(config, { role, applicationName: options.applicationName }),
    close: () => database.close(),
  };
}

function serverUrl(
  config: Extract<DatabaseConfig, { mode: 'server' }>,
  role: DatabaseRole,
): string {
  if (role === 'owner') return config.ownerUrl ?? config.url;
  if (role === 'app') return config.url;
  if (!config.workerUrl) throw new MissingWorkerConnectionError();
  return config.workerUrl;
}

async function openEmbedded(
  config: Extract<DatabaseConfig, { mode: 'embedded' }>,
  options: OpenOptions,
): Promise<DatabaseHandle> {
  const { dataDir } = config;
  const poolSize = config.poolSize ?? 10;
  const running = dataDir ? await findRunningEmbeddedServer(dataDir) : null;
  let server: EmbeddedServer | null = null;
  let url: string;
  if (running) {
    // Another process owns the data directory (the API while a CLI runs): use its socket.
    url = embeddedUrl(running);
  } else {
    // Room for the pool, the worker's pool and command-line tools attaching while the API runs.
    server = await startEmbeddedServer(dataDir, Math.max(poolSize + 24, 40));
    url = server.url;
    await bootstrapEmbedded(url);
  }
  const migrations = options.migrate ?? [];
  if (migrations.length > 0 && server)
    await runMigrations(url, migrations, Roles.owner, 'embedded', options.afterMigrate);
  const dataSource = await connect(url, poolSize, migrations, options.applicationName);
  const database = embeddedDatabase(dataSource, options.role);
  const where = dataDir ? `data directory ${dataDir}` : 'memory';
  const description = `embedded PGlite (${where})${running ? `, served by process ${running.pid}` : ''}`;
  return {
    database,
    mode: 'embedded',
    description,
    as: (role) => attachEmbedded(url, role, description, options.applicationName),
    async close() {
      await database.close();
      await server?.stop();
    },
  };
}

async function attachEmbedded(
  url: string,
  role: DatabaseRole,
  description: string,
  applicationName?: string,
): Promise<DatabaseHandle> {
  const dataSource = await connect(url, 4, [], applicationName);
  const database = embeddedDatabase(dataSource, role);
  return {
    database,
    mode: 'embedded',
    description,
    as: (other) => attachEmbedded(url, other, description, applicationName),
    close: () => database.close(),
  };
}

/** PGlite has one superuser session for every connection: the role is set per transaction. */
function embeddedDatabase(dataSource: DataSource, role: DatabaseRole): Database {
  return new Database(dataSource, { mode: 'embedded', localRole: Roles[role] });
}

async function bootstrapEmbedded(url: string): Promise<void> {
  const admin = await connect(url, 1, [], 'rapport-bootstrap');
  try {
    await admin.query(bootstrapSql('postgres'));
  } finally {
    await admin.destroy();
  }
}

/**
 * Migrations always run as the owner. On PGlite the one session is a superuser, so the
 * role is switched for the duration of the run on a single-connection pool (nothing else
 * uses the database yet) and switched back afterwards.
 */
async function runMigrations(
  url: string,
  migrations: readonly MigrationClass[],
  assumeRole: RoleName | null,
  mode: DatabaseMode,
  afterMigrate?: (owner: Database) => Promise<void>,
): Promise<void> {
  const dataSource = await connect(url, 1, migrations, 'rapport-migrate');
  try {
    if (assumeRole) await dataSource.query(`SET ROLE ${assumeRole}`);
    await dataSource.runMigrations({ transaction: 'each' });
    if (afterMigrate) await afterMigrate(new Database(dataSource, { mode, localRole: assumeRole }));
  } finally {
    if (assumeRole) await dataSource.query('RESET ROLE').catch(() => undefined);
    await dataSource.destroy();
  }
}

async function hasPendingMigrations(
  url: string,
  migrations: readonly MigrationClass[],
): Promise<boolean> {
  const dataSource = await connect(url, 1, migrations, 'rapport-migration-check');
  try {
    return await dataSource.showMigrations();
  } finally {
    await dataSource.destroy();
  }
}

async function connect(
  url: string,
  poolSize: number,
  migrations: readonly MigrationClass[],
  applicationName = 'rapport',
  sessionSettings: Record<string, number> = {},
): Promise<DataSource> {
  const dataSource = new DataSource({
    type: 'postgres',
    url,
    applicationName,
    poolSize,
    // node-postgres sends these as startup parameters of every pooled connection.
    extra: sessionSettings,
    migrations: [...migrations],
    migrationsTableName: MIGRATIONS_TABLE,
    uuidExtension: 'pgcrypto',
    synchronize: false,
    logging: false,
  });
  return dataSource.initialize();
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable url)';
  }
}
