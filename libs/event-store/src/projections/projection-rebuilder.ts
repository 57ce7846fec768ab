import { type Database, type Row, type Tx } from '../database/database';
import { quoteIdent } from '../database/roles';
import { type EventStore, type EventRow } from '../event-store';
import { type Checkpoint, type ReadPage, START } from '../event-store.types';
import { applyByTenant } from './projection-runner';
import { type Projection, type RebuildSession } from './projection';

export interface RebuildProgress {
  applied: number;
  total: number;
}

export interface RebuildResult {
  projections: string[];
  events: number;
  seconds: number;
  eventsPerSecond: number;
}

const TWIN_SUFFIX = '__rebuild';
const OLD_SUFFIX = '__old';
const twin = (name: string) => `${name}${TWIN_SUFFIX}`;

/**
 * Blue-green rebuild: replays the whole log once into twin tables of every given projection
 * while the live ones keep serving, then catches up under lock and swaps the names in one
 * transaction. Runs as the owner role (it creates and renames tables).
 */
export class ProjectionRebuilder {
  constructor(
    private readonly owner: Database,
    private readonly store: EventStore,
    private readonly batchSize = 10_000,
    /** Passed to projections: entries they may hold in memory during the replay. */
    private readonly memoLimit?: number,
    /** Pages applied in one transaction of the replay. */
    private readonly pagesPerTransaction = Math.max(1, Math.round(50_000 / batchSize)),
  ) {}

  rebuild(
    projection: Projection,
    onProgress?: (progress: RebuildProgress) => void,
  ): Promise<RebuildResult> {
    return this.rebuildMany([projection], onProgress);
  }

  async rebuildMany(
    projections: readonly Projection[],
    onProgress: (progress: RebuildProgress) => void = () => undefined,
  ): Promise<RebuildResult> {
    const started = performance.now();
    const replay = await this.replayTransactions();
    // Secondary indexes are built once after the load instead of maintained row by row.
    const deferredIndexes = await this.owner.withoutTenant(async (tx) => {
      const deferred = new Map<string, string[]>();
      for (const projection of projections)
        for (const [table, definitions] of await this.createTwins(tx, projection.tables))
          deferred.set(table, definitions);
      return deferred;
    });
    const total = await this.owner.withoutTenant(async (tx) => {
      const [row] = await tx.query<{ pending: string }>(
        `SELECT pending FROM rapport_events_after('0', 0)`,
      );
      return Number(row.pending);
    });

    // One read of the log feeds every projection; sessions let them batch their writes.
    const sessions = new Map<string, RebuildSession>(
      projections.map((p) => [
        p.name,
        { memo: new Map<string, unknown>(), memoLimit: this.memoLimit },
      ]),
    );
    let checkpoint: Checkpoint = START;
    let applied = 0;
    // On a server the next page is read on another connection while this one is applied; the
    // embedded database has one session, so there it is read inside the replay's transaction.
    const concurrentReads = this.owner.mode === 'server';
    let next = concurrentReads ? this.readPage(checkpoint) : null;
    let more = true;
    while (more) {
      // A transaction spans a few pages, so that the server writes one page while this process
      // folds the next; short enough not to hold back the commit fence of live projections long.
      more = await replay(async (plain) => {
        const tx = new QueuedTx(plain);
        for (const session of sessions.values()) {
          session.defer = (sql: string, params: unknown[], name?: string) =>
            tx.defer(sql, params, name);
        }
        // Writes of the page before last: waited for, so queued writes hold at most two pages.
        let beforeLast: Promise<void> | null = null;
        try {
          for (let pages = 0; pages < this.pagesPerTransaction; pages++) {
            const page = await (next ?? this.readPage(checkpoint, tx));
            if (page.events.length === 0) return false;
            if (concurrentReads) next = this.readPage(page.checkpoint);
            for (const projection of projections) {
              // Lets queued writes go out (their completions are I/O events) before folding on.
              await new Promise((resolve) => setImmediate(resolve));
              await applyByTenant(tx, projection, page.events, twin, sessions.get(projection.name));
            }
            checkpoint = page.checkpoint;
            applied += page.events.length;
            onProgress({ applied, total: Math.max(total, applied) });
            const written = tx.written();
            if (beforeLast) await beforeLast;
            beforeLast = written;
          }
          return true;
        } finally {
          for (const session of sessions.values()) delete session.defer;
          await tx.settle();
        }
      });
    }
    await this.finishTwins(projections, sessions, deferredIndexes, replay);

    applied += await this.owner.withoutTenant(async (tx) => {
      let caughtUp = 0;
      for (const projection of projections) {
        const result = await this.lockAndCatchUp(tx, projection, checkpoint);
        caughtUp = Math.max(caughtUp, result.applied);
        await this.swap(tx, projection.tables);
        if (projection.mode === 'async') {
          await tx.execute(
            `INSERT INTO projection_checkpoints (name, transaction_id, global_position) VALUES ($1, $2::xid8, $3)
             ON CONFLICT (name) DO UPDATE SET transaction_id = EXCLUDED.transaction_id,
               global_position = EXCLUDED.global_position, updated_at = now()`,
            [projection.name, result.checkpoint.transactionId, result.checkpoint.globalPosition],
          );
        }
      }
      return caughtUp;
    });
    onProgress({ applied, total: Math.max(total, applied) });
    const seconds = (performance.now() - started) / 1000;
    return {
      projections: projections.map((p) => p.name),
      events: applied,
      seconds,
      eventsPerSecond: applied / seconds,
    };
  }

  /**
   * After the replay: each projection writes what it kept in memory, and each of its twins is
   * made crash-safe (written to the WAL once, in bulk) and gets its secondary indexes, each step in
   * its own transaction. Tables a flush does not write are finished while it runs: a flush keeps
   * this process busy, the other steps the server. On a server three steps run at a time on
   * their own connections (a table's indexes side by side); the embedded database runs them in
   * turn.
   */
  private async finishTwins(
    projections: readonly Projection[],
    sessions: Map<string, RebuildSession>,
    deferredIndexes: Map<string, string[]>,
    replay: <T>(work: (tx: Tx) => Promise<T>) => Promise<T>,
  ): Promise<void> {
    const slot = slots(this.owner.mode === 'server' ? 3 : 1);
    const steps: Promise<unknown>[] = [];
    // Handled at once (a step may fail before it is waited for) and reported after all settle.
    const step = (after: Promise<unknown>, work: (tx: Tx) => Promise<unknown>) => {
      const done = after.then(() => slot(() => replay(work)));
      done.catch(() => undefined);
      steps.push(done);
      return done;
    };
    const finish = (table: string, after: Promise<unknown>) => {
      const logged = step(after, (tx) =>
        tx.query(`ALTER TABLE ${quoteIdent(twin(table))} SET LOGGED`),
      );
      for (const definition of deferredIndexes.get(table) ?? [])
        void step(logged, (tx) => tx.query(definition));
    };
    for (const projection of projections) {
      const rebuild = sessions.get(projection.name);
      const flushed = projection.flush
        ? step(Promise.resolve(), (tx) => projection.flush!({ tx, table: twin, rebuild }))
        : Promise.resolve();
      const written = projection.flush ? (projection.flushTables ?? projection.tables) : [];
      for (const table of projection.tables)
        finish(table, written.includes(table) ? flushed : Promise.resolve());
    }
    // Every step settles before the first failure is reported: no transaction is left running.
    const results = await Promise.allSettled(steps);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /**
   * Replays the log into twin tables up to exactly where the live tables stand, then compares
   * them row for row, tenant by tenant, and drops the twins. Live tables are not touched.
   * Returns the number of differing rows per table (all zero: the read model is what history says).
   */
  async verify(projection: Projection): Promise<Record<string, number>> {
    const deferredIndexes = await this.owner.withoutTenant((tx) =>
      this.createTwins(tx, projection.tables),
    );
    const session = { memo: new Map<string, unknown>(), memoLimit: this.memoLimit };
    const replay = await this.replayTransactions();
    let bound = projection.mode === 'async' ? await this.liveCheckpoint(projection) : null;
    let checkpoint: Checkpoint = START;
    for (;;) {
      const page = await this.store.readAll(checkpoint, this.batchSize);
      const events = bound ? page.events.filter((e) => !after(e, bound!)) : page.events;
      if (events.length === 0) break;
      await replay((tx) => applyByTenant(tx, projection, events, twin, session));
      const last = events[events.length - 1];
      checkpoint = { transactionId: last.transactionId, globalPosition: last.globalPosition };
    }
    await replay(async (tx) => {
      await projection.flush?.({ tx, table: twin, rebuild: session });
      for (const definitions of deferredIndexes.values())
        for (const definition of definitions) await tx.query(definition);
    });

    return this.owner.withoutTenant(async (tx) => {
      if (projection.mode === 'async') {
        // The runner may have moved on meanwhile: hold it, and replay up to where it stands now.
        await tx.query(`SELECT 1 FROM projection_checkpoints WHERE name = $1 FOR UPDATE`, [
          projection.name,
        ]);
        bound = await this.liveCheckpoint(projection, tx);
        for (;;) {
          const page = await this.store.readAll(checkpoint, this.batchSize, tx);
          const events = page.events.filter((e) => !after(e, bound!));
          if (events.length === 0) break;
          await applyByTenant(tx, projection, events, twin);
          const last = events[events.length - 1];
          checkpoint = { transactionId: last.transactionId, globalPosition: last.globalPosition };
        }
      } else {
        await this.lockAndCatchUp(tx, projection, checkpoint);
      }
      const differences: Record<string, number> = {};
      const tenants = await tx.query<{ tenant_id: string }>(
        `SELECT tenant_id FROM rapport_find_tenants(NULL)`,
      );
      for (const table of projection.tables) {
        differences[table] = 0;
        for (const { tenant_id } of tenants) {
          await tx.setTenant(tenant_id);
          const [row] = await tx.query<{ n: number }>(
            `SELECT (SELECT count(*) FROM (SELECT to_jsonb(l) FROM ${quoteIdent(table)} l EXCEPT ALL SELECT to_jsonb(t) FROM ${quoteIdent(twin(table))} t) a)
                  + (SELECT count(*) FROM (SELECT to_jsonb(t) FROM ${quoteIdent(twin(table))} t EXCEPT ALL SELECT to_jsonb(l) FROM ${quoteIdent(table)} l) b) AS n`,
          );
          differences[table] += Number(row.n);
        }
        await tx.query(`DROP TABLE ${quoteIdent(twin(table))}`);
      }
      return differences;
    });
  }

  /**
   * `EventStore.readAll` for the replay, with every column sent as text the driver passes
   * through: the documents are parsed here with one `JSON.parse` each, `recorded_at` comes as
   * epoch milliseconds. The driver's own decoding (a regex per timestamp) was a fifth of a
   * rebuild's JavaScript time; building the page as one `json_agg` instead cost the server
   * three times the read itself (jsonb to json, an extra sort).
   */
  private readPage(after: Checkpoint, within?: Tx): Promise<ReadPage> {
    const read = async (tx: Tx): Promise<ReadPage> => {
      const rows = await tx.query<PageRow>(
        `SELECT tenant_id, stream_id, stream_version, global_position, transaction_id::text,
                event_id, type, schema_version, data::text, metadata::text,
                (extract(epoch FROM recorded_at) * 1000)::float8 AS recorded_ms
           FROM rapport_read_all_events($1::xid8, $2, $3)`,
        [after.transactionId, after.globalPosition, this.batchSize],
      );
      return this.store.toPage(
        rows.map((r) => ({
          tenant_id: r.tenant_id,
          stream_id: r.stream_id,
          stream_version: r.stream_version,
          global_position: r.global_position,
          transaction_id: r.transaction_id,
          event_id: r.event_id,
          type: r.type,
          schema_version: r.schema_version,
          data: JSON.parse(r.data) as unknown,
          metadata: JSON.parse(r.metadata) as Record<string, unknown>,
          recorded_at: new Date(Math.floor(r.recorded_ms)),
        })),
        after,
        tx,
      );
    };
    return within ? read(within) : this.owner.withoutTenant(read);
  }

  private async liveCheckpoint(projection: Projection, tx?: Tx): Promise<Checkpoint> {
    const read = async (t: Tx) => {
      const [row] = await t.query<{ transaction_id: string; global_position: string }>(
        `SELECT transaction_id::text, global_position FROM projection_checkpoints WHERE name = $1`,
        [projection.name],
      );
      return row
        ? { transactionId: row.transaction_id, globalPosition: Number(row.global_position) }
        : START;
    };
    return tx ? read(tx) : this.owner.withoutTenant(read);
  }

  /**
   * Transactions for writing twin tables. Where the server has lz4, large values (progress
   * states) are compressed with it rather than pglz: several times faster to write, and
   * transparent to readers (each value records how it was compressed).
   */
  private async replayTransactions(): Promise<<T>(work: (tx: Tx) => Promise<T>) => Promise<T>> {
    const lz4 = await this.owner.withoutTenant(async (tx) => {
      const [row] = await tx.query<{ lz4: boolean }>(
        `SELECT coalesce('lz4' = ANY(enumvals), false) AS lz4 FROM pg_settings WHERE name = 'default_toast_compression'`,
      );
      return row?.lz4 === true;
    });
    return (work) =>
      this.owner.withoutTenant(async (tx) => {
        if (lz4) await tx.query(`SET LOCAL default_toast_compression = lz4`);
        return work(tx);
      });
  }

  /**
   * Creates the twin tables, unlogged while they are loaded (nothing reads them before the swap,
   * and a crash only loses a rebuild that has to start over anyway); returns, per table, the definitions
   * of the secondary indexes it dropped.
   */
  private async createTwins(tx: Tx, tables: readonly string[]): Promise<Map<string, string[]>> {
    const deferred = new Map<string, string[]>();
    for (const table of tables) {
      const definitions: string[] = [];
      deferred.set(table, definitions);
      await tx.query(`DROP TABLE IF EXISTS ${quoteIdent(twin(table))}`);
      // LIKE copies no storage parameters: a table's fillfactor must survive the swap.
      const [{ options }] = await tx.query<{ options: string[] | null }>(
        `SELECT reloptions AS options FROM pg_class WHERE oid = $1::regclass`,
        [quoteIdent(table)],
      );
      await tx.query(
        `CREATE UNLOGGED TABLE ${quoteIdent(twin(table))} (LIKE ${quoteIdent(table)} INCLUDING ALL)` +
          (options?.length ? ` WITH (${options.join(', ')})` : ''),
      );
      await tx.query(`SELECT rapport_secure_tenant_table($1::regclass)`, [quoteIdent(twin(table))]);
      const secondary = await tx.query<{ name: string; definition: string }>(
        `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition
           FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
          WHERE i.indrelid = $1::regclass AND NOT i.indisunique`,
        [quoteIdent(twin(table))],
      );
      for (const index of secondary) {
        await tx.query(`DROP INDEX ${quoteIdent(index.name)}`);
        definitions.push(index.definition);
      }
    }
    return deferred;
  }

  /**
   * Stops the live writers, then applies what committed since the last batch.
   * Async: the checkpoint row lock holds off the runner; the fenced read stays correct.
   * Inline: an exclusive lock on the live tables waits out every append that wrote to them,
   * so every event that touched them is now committed and must be read unfenced; appends
   * still queued behind the lock write to the swapped-in tables themselves.
   */
  private async lockAndCatchUp(
    tx: Tx,
    projection: Projection,
    from: Checkpoint,
  ): Promise<{ applied: number; checkpoint: Checkpoint }> {
    if (projection.mode === 'async') {
      await tx.execute(
        `INSERT INTO projection_checkpoints (name) VALUES ($1) ON CONFLICT DO NOTHING`,
        [projection.name],
      );
      await tx.query(`SELECT 1 FROM projection_checkpoints WHERE name = $1 FOR UPDATE`, [
        projection.name,
      ]);
    } else {
      const names = projection.tables.map(quoteIdent).join(', ');
      await tx.query(`LOCK TABLE ${names} IN ACCESS EXCLUSIVE MODE`);
    }
    const source =
      projection.mode === 'async' ? 'rapport_read_all_events' : 'rapport_read_all_committed_events';
    let checkpoint = from;
    let applied = 0;
    for (;;) {
      const rows = await tx.query<EventRow>(`SELECT * FROM ${source}($1::xid8, $2, $3)`, [
        checkpoint.transactionId,
        checkpoint.globalPosition,
        this.batchSize,
      ]);
      if (rows.length === 0) return { applied, checkpoint };
      const page = await this.store.toPage(rows, checkpoint, tx);
      await applyByTenant(tx, projection, page.events, twin);
      checkpoint = page.checkpoint;
      applied += page.events.length;
    }
  }

  /** Renames twin → live and gives the twin's indexes the live indexes' names back. */
  private async swap(tx: Tx, tables: readonly string[]) {
    for (const table of tables) {
      const liveIndexes = await indexesOf(tx, table);
      const twinIndexes = await indexesOf(tx, twin(table));
      await tx.query(
        `ALTER TABLE ${quoteIdent(table)} RENAME TO ${quoteIdent(table + OLD_SUFFIX)}`,
      );
      await tx.query(`ALTER TABLE ${quoteIdent(twin(table))} RENAME TO ${quoteIdent(table)}`);
      await tx.query(`DROP TABLE ${quoteIdent(table + OLD_SUFFIX)}`);
      for (const index of twinIndexes) {
        const original = liveIndexes.find((live) => live.shape === index.shape);
        if (original && original.name !== index.name) {
          await tx.query(
            `ALTER INDEX ${quoteIdent(index.name)} RENAME TO ${quoteIdent(original.name)}`,
          );
        }
      }
    }
  }
}

/** Index names with a definition stripped of index and table names, to pair twin and live. */
async function indexesOf(tx: Tx, table: string): Promise<{ name: string; shape: string }[]> {
  const rows = await tx.query<{ name: string; definition: string }>(
    `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE i.indrelid = $1::regclass`,
    [quoteIdent(table)],
  );
  return rows.map((row) => ({
    name: row.name,
    shape: row.definition.replace(/^CREATE (UNIQUE )?INDEX \S+ ON \S+/, '$1'),
  }));
}

/** One event of a page as the replay reads it: documents as text, `recorded_at` in epoch ms. */
interface PageRow extends Omit<EventRow, 'data' | 'metadata' | 'recorded_at'> {
  data: string;
  metadata: string;
  recorded_ms: number;
}

/** Runs at most `size` pieces of work at a time, in the order they asked. */
function slots(size: number): <T>(work: () => Promise<T>) => Promise<T> {
  let free = size;
  const waiting: (() => void)[] = [];
  return async (work) => {
    if (free === 0) await new Promise<void>((resolve) => waiting.push(resolve));
    else free--;
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else free++;
    }
  };
}

/** Whether an event lies beyond a checkpoint in commit order. */
function after(
  event: { transactionId: string; globalPosition: number },
  checkpoint: Checkpoint,
): boolean {
  const tx = BigInt(event.transactionId);
  const bound = BigInt(checkpoint.transactionId);
  return tx > bound || (tx === bound && event.globalPosition > checkpoint.globalPosition);
}

/**
 * A transaction whose writes may be queued without waiting (`defer`). Every statement runs after
 * the ones issued before it, in order, so a read sees every queued write; `settle` waits for all
 * and throws the first failure. The tenant switches in that order too.
 */
class QueuedTx implements Tx {
  private tail: Promise<unknown> = Promise.resolve();
  private failure: { error: unknown } | null = null;
  tenantId: string | null;

  constructor(private readonly inner: Tx) {
    this.tenantId = inner.tenantId;
  }

  query<T = Row>(sql: string, params?: unknown[], name?: string): Promise<T[]> {
    return this.enqueue(() => this.inner.query<T>(sql, params, name));
  }

  execute(sql: string, params?: unknown[]): Promise<number> {
    return this.enqueue(() => this.inner.execute(sql, params));
  }

  /** Queued like a write: the statements queued before it still run under the previous tenant. */
  setTenant(tenantId: string): Promise<void> {
    if (tenantId !== this.tenantId) {
      this.tenantId = tenantId;
      this.remember(this.enqueue(() => this.inner.setTenant(tenantId)));
    }
    return Promise.resolve();
  }

  defer(sql: string, params: unknown[], name?: string): void {
    this.remember(this.enqueue(() => this.inner.query(sql, params, name)));
  }

  /** Settles once everything queued so far has run (whether it failed or not). */
  written(): Promise<void> {
    return this.tail.then(() => undefined);
  }

  async settle(): Promise<void> {
    await this.tail;
    if (this.failure) throw this.failure.error;
  }

  private remember(pending: Promise<unknown>) {
    pending.catch((error: unknown) => {
      this.failure ??= { error };
    });
  }

  private enqueue<T>(run: () => Promise<T>): Promise<T> {
    // After a failure the transaction is aborted: nothing more is sent.
    const result = this.tail.then(() => {
      if (this.failure) throw this.failure.error;
      return run();
    });
    this.tail = result.catch(() => undefined);
    return result;
  }
}
