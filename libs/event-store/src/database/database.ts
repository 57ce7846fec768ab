import { type DataSource, type QueryRunner } from 'typeorm';
import { type RoleName } from './roles';
import { assertTenantId } from './tenant-id';

export type DatabaseMode = 'server' | 'embedded';
export type Row = Record<string, unknown>;

/** One open transaction. Every statement of a transaction must go through it (PGlite deadlocks otherwise). */
export interface Tx {
  /**
   * `name` marks a statement sent many times with the same text: the server parses and plans it
   * once per connection and reuses that (ignored by the embedded database).
   */
  query<T = Row>(sql: string, params?: unknown[], name?: string): Promise<T[]>;
  /** Runs a statement and returns the number of rows it touched. */
  execute(sql: string, params?: unknown[]): Promise<number>;
  /** Switches the tenant for the rest of this transaction (a projection batch spans tenants). */
  setTenant(tenantId: string): Promise<void>;
  readonly tenantId: string | null;
}

export interface DatabaseOptions {
  mode: DatabaseMode;
  /**
   * Role to assume inside every transaction. Only the embedded database needs it: PGlite has
   * one superuser session, so the role is set per transaction (never per session, which would
   * leak to every pooled connection).
   */
  localRole: RoleName | null;
}

/**
 * The only way application code touches PostgreSQL. A transaction always starts with its
 * tenant set through `set_config('app.tenant_id', $1, true)` (transaction-local), so row-level
 * security decides what it may see and write.
 */
export class Database {
  /** Statements sent so far (tests count them; metrics can export them). */
  statements = 0;

  constructor(
    readonly dataSource: DataSource,
    readonly options: DatabaseOptions,
  ) {}

  get mode(): DatabaseMode {
    return this.options.mode;
  }

  /** A transaction fenced to one tenant. */
  withTenant<T>(tenantId: string, work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.transaction(work, assertTenantId(tenantId));
  }

  /**
   * A transaction with no tenant: RLS shows it no tenant rows. Used for global tables
   * (checkpoints) and the SECURITY DEFINER functions that are the only cross-tenant path.
   */
  withoutTenant<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.transaction(work, null);
  }

  /**
   * One statement in its own transaction, for functions that set their tenant themselves
   * (the append). On the server this is a single round trip; PGlite needs the role set first.
   * `name` prepares it once per connection, as in `Tx.query`.
   */
  async statement<T = Row>(sql: string, params: unknown[], name?: string): Promise<T[]> {
    if (this.options.localRole) return this.withoutTenant((tx) => tx.query<T>(sql, params, name));
    const runner = this.dataSource.createQueryRunner();
    this.statements++;
    try {
      const query = name ? ({ name, text: sql } as unknown as string) : sql;
      const result = await runner.query(query, params, true);
      return (result.records ?? []) as T[];
    } finally {
      await runner.release();
    }
  }

  private async transaction<T>(work: (tx: Tx) => Promise<T>, tenantId: string | null): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query(this.preamble(tenantId));
      this.statements += 2; // the preamble and the COMMIT or ROLLBACK
      const tx = new QueryRunnerTx(
        runner,
        tenantId,
        () => this.statements++,
        this.mode === 'server',
      );
      const result = await work(tx);
      await runner.query('COMMIT');
      return result;
    } catch (error) {
      await runner.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  /** BEGIN, role and tenant in a single round trip; the tenant id was validated as a UUID. */
  private preamble(tenantId: string | null): string {
    const parts = ['BEGIN'];
    if (this.options.localRole) parts.push(`SET LOCAL ROLE ${this.options.localRole}`);
    if (tenantId) parts.push(`SELECT set_config('app.tenant_id', '${tenantId}', true)`);
    return parts.join('; ');
  }

  async close(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

class QueryRunnerTx implements Tx {
  constructor(
    private readonly runner: QueryRunner,
    public tenantId: string | null,
    private readonly counted: () => void,
    private readonly namedStatements: boolean,
  ) {}

  async query<T = Row>(sql: string, params?: unknown[], name?: string): Promise<T[]> {
    this.counted();
    // TypeORM hands the query to the pg driver as it is, and pg takes a { name, text } config.
    const query = name && this.namedStatements ? ({ name, text: sql } as unknown as string) : sql;
    const result = await this.runner.query(query, params, true);
    return (result.records ?? []) as T[];
  }

  async execute(sql: string, params?: unknown[]): Promise<number> {
    this.counted();
    const result = await this.runner.query(sql, params, true);
    return result.affected ?? 0;
  }

  async setTenant(tenantId: string): Promise<void> {
    const id = assertTenantId(tenantId);
    if (id === this.tenantId) return;
    this.counted();
    await this.runner.query(`SELECT set_config('app.tenant_id', $1, true)`, [id]);
    this.tenantId = id;
  }
}
