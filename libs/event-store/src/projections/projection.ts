import { type Tx } from '../database/database';
import { type RecordedEvent } from '../event-store.types';

export interface ProjectionContext {
  /** The transaction, already fenced to the tenant of the events being applied. */
  tx: Tx;
  /** The physical name of a read-model table: the live one, or its twin during a rebuild. */
  table(name: string): string;
  /**
   * Present during a rebuild only. It lives across batches and nobody else reads the twin
   * tables yet, so a projection may keep its rows here and write them once in `flush`.
   */
  rebuild?: RebuildSession;
}

export interface RebuildSession {
  memo: Map<string, unknown>;
  /** How many entries a projection may keep in `memo` before writing them out (bounded memory). */
  memoLimit?: number;
  /**
   * Queues a write on the context's transaction without waiting for it, so the projection goes
   * on folding while the server writes. Every statement later sent through the context's `tx`
   * runs after it (a read sees it); the rebuilder waits for all of them before committing and
   * fails the rebuild if one failed. The parameters must be final (already encoded). `name` as
   * in `Tx.query`.
   */
  defer?(sql: string, params: unknown[], name?: string): void;
}

/** What a projection's write needs of a transaction: its tenant, and a way to send a statement. */
export interface Writer {
  readonly tenantId: string | null;
  /** `name` as in `Tx.query`. */
  query(sql: string, params: unknown[], name?: string): Promise<unknown>;
}

/** Writes through `rebuild.defer` when the rebuild queues them (no wait), else on the transaction. */
export function writerOf(tx: Tx, rebuild: RebuildSession | undefined): Writer {
  return {
    get tenantId() {
      return tx.tenantId;
    },
    async query(sql, params, name) {
      if (rebuild?.defer) rebuild.defer(sql, params, name);
      else await tx.query(sql, params, name);
    },
  };
}

/**
 * A read model fed by the event store. `inline` projections run inside the append's
 * transaction (read-your-writes); `async` ones are fed by a runner from a checkpoint.
 */
export interface Projection {
  readonly name: string;
  readonly mode: 'inline' | 'async';
  /** The read-model tables it owns. Each has `tenant_id`, RLS, and is created by a migration. */
  readonly tables: readonly string[];
  /** Event types it reacts to; others are skipped. Omit to receive everything. */
  readonly eventTypes?: readonly string[];
  /** Applies events of one tenant in commit order. Must be deterministic: rebuilds replay it. */
  apply(events: readonly RecordedEvent[], context: ProjectionContext): Promise<void>;
  /**
   * At the end of a rebuild's replay, writes what `apply` kept in `context.rebuild.memo`
   * (for every tenant: switch with `context.tx.setTenant`). Live application never calls it.
   */
  flush?(context: ProjectionContext): Promise<void>;
  /**
   * The tables `flush` writes (all of `tables` if omitted). A rebuild finishes the others (makes
   * them crash-safe, builds their indexes) while `flush` runs.
   */
  readonly flushTables?: readonly string[];
}

export function handles(projection: Projection, type: string): boolean {
  return !projection.eventTypes || projection.eventTypes.includes(type);
}

export function liveTables(): ProjectionContext['table'] {
  return (name) => name;
}
