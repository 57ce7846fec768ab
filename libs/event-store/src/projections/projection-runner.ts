import { randomUUID } from 'node:crypto';
import { type Database, type Tx } from '../database/database';
import { type EventStore } from '../event-store';
import { type Checkpoint, type RecordedEvent } from '../event-store.types';
import { handles, liveTables, type Projection, type RebuildSession } from './projection';

export interface RunnerOptions {
  batchSize?: number;
  /** Polling is the source of truth; appends in this process also wake the runner at once. */
  pollIntervalMs?: number;
  leaseMs?: number;
  /** Identifies this process in the lease column. */
  ownerId?: string;
  /** How often, at most, the polling loop measures and records each projection's lag. */
  lagIntervalMs?: number;
  onError?: (projection: string, error: unknown) => void;
}

export interface ProjectionStatus {
  name: string;
  mode: 'inline' | 'async';
  checkpoint: Checkpoint | null;
  lagEvents: number;
  lagSeconds: number;
  leaseOwner: string | null;
  updatedAt: Date | null;
}

export class CheckpointConflictError extends Error {
  constructor(projection: string) {
    super(`checkpoint of ${projection} moved under this runner; the batch was rolled back`);
    this.name = 'CheckpointConflictError';
  }
}

interface CheckpointRow {
  transaction_id: string;
  global_position: string;
}

/**
 * Feeds async projections from the commit-safe log. Each batch applies events and moves the
 * checkpoint with compare-and-set in one transaction, so a crash neither skips nor repeats.
 * A lease row makes one runner per projection active across processes. Its database is the
 * worker role's (it reads every tenant's events); it records its lag on the checkpoint row,
 * where request paths read it (docs/adr/0011).
 */
export class ProjectionRunner {
  readonly ownerId: string;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly leaseMs: number;
  private readonly lagIntervalMs: number;
  private lagMeasuredAt = 0;
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private nudged = false;

  constructor(
    private readonly database: Database,
    private readonly store: EventStore,
    private readonly projections: readonly Projection[],
    private readonly options: RunnerOptions = {},
  ) {
    this.ownerId = options.ownerId ?? `runner-${process.pid}-${randomUUID().slice(0, 8)}`;
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 500;
    this.leaseMs = options.leaseMs ?? 15_000;
    this.lagIntervalMs = options.lagIntervalMs ?? 1_000;
    for (const p of projections) {
      if (p.mode !== 'async') throw new Error(`${p.name} is not an async projection`);
    }
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.pollForever();
  }

  /** Stops polling after the batch in flight; releases the leases so another process takes over at once. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.loop = null;
    await this.database.withoutTenant((tx) =>
      tx.execute(
        `UPDATE projection_checkpoints SET lease_owner = NULL, lease_expires_at = NULL WHERE lease_owner = $1`,
        [this.ownerId],
      ),
    );
  }

  /** Creates the checkpoint rows (idempotent); their creation time bounds the lag of a runner that never ran. */
  async register(): Promise<void> {
    if (this.projections.length === 0) return;
    await this.database.withoutTenant((tx) =>
      tx.execute(
        `INSERT INTO projection_checkpoints (name) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING`,
        [this.projections.map((p) => p.name)],
      ),
    );
  }

  /**
   * Counts each projection's unapplied events and records them with the log's head on its
   * checkpoint row. The head is read first: an event appended meanwhile then shows as new.
   */
  async recordLag(): Promise<void> {
    await this.database.withoutTenant(async (tx) => {
      const [{ head }] = await tx.query<{ head: string }>(LOG_HEAD);
      for (const p of this.projections) {
        await tx.execute(
          `UPDATE projection_checkpoints c
              SET pending_events = l.pending, oldest_pending_at = l.oldest_recorded_at,
                  log_head = $2, measured_at = now()
             FROM rapport_events_after(
                    (SELECT transaction_id FROM projection_checkpoints WHERE name = $1),
                    (SELECT global_position FROM projection_checkpoints WHERE name = $1)) l
            WHERE c.name = $1`,
          [p.name, head],
        );
      }
    });
    this.lagMeasuredAt = Date.now();
  }

  /** A hint that new events exist; the poll would find them anyway. */
  nudge(): void {
    this.nudged = true;
    this.wake?.();
  }

  /** Runs batches of one projection until it has passed every committed event. Returns events applied. */
  async catchUp(name: string): Promise<number> {
    const projection = this.byName(name);
    let total = 0;
    for (;;) {
      const applied = await this.runBatch(projection);
      if (applied === null || applied === 0) return total;
      total += applied;
    }
  }

  async catchUpAll(): Promise<number> {
    let total = 0;
    for (const p of this.projections) total += await this.catchUp(p.name);
    return total;
  }

  /**
   * One batch: `null` when another process holds the lease, else the number of events read
   * (the checkpoint moved past them, whether or not the projection handles their type).
   */
  async runBatch(projection: Projection): Promise<number | null> {
    return this.database.withoutTenant(async (tx) => {
      const from = await this.takeLease(tx, projection.name);
      if (!from) return null;
      const page = await this.store.readAll(from, this.batchSize, tx);
      if (page.events.length === 0) return 0;
      await applyByTenant(tx, projection, page.events, liveTables());
      const moved = await tx.execute(
        `UPDATE projection_checkpoints
            SET transaction_id = $3::xid8, global_position = $4, updated_at = now()
          WHERE name = $1 AND lease_owner = $2 AND transaction_id = $5::xid8 AND global_position = $6`,
        [
          projection.name,
          this.ownerId,
          page.checkpoint.transactionId,
          page.checkpoint.globalPosition,
          from.transactionId,
          from.globalPosition,
        ],
      );
      if (moved !== 1) throw new CheckpointConflictError(projection.name);
      return page.events.length;
    });
  }

  /** Measures and records the lag now, then reports it as request paths see it. */
  async status(): Promise<ProjectionStatus[]> {
    await this.register();
    await this.recordLag();
    return statusOf(this.database, this.projections);
  }

  private async takeLease(tx: Tx, name: string): Promise<Checkpoint | null> {
    await tx.execute(
      `INSERT INTO projection_checkpoints (name) VALUES ($1) ON CONFLICT DO NOTHING`,
      [name],
    );
    const [row] = await tx.query<CheckpointRow>(
      `UPDATE projection_checkpoints
          SET lease_owner = $2, lease_expires_at = now() + make_interval(secs => $3::double precision / 1000)
        WHERE name = $1 AND (lease_owner IS NULL OR lease_owner = $2 OR lease_expires_at < now())
        RETURNING transaction_id::text, global_position`,
      [name, this.ownerId, this.leaseMs],
    );
    return row
      ? { transactionId: row.transaction_id, globalPosition: Number(row.global_position) }
      : null;
  }

  private byName(name: string): Projection {
    const projection = this.projections.find((p) => p.name === name);
    if (!projection) throw new Error(`no async projection named ${name}`);
    return projection;
  }

  private async pollForever(): Promise<void> {
    while (this.running) {
      let busy = false;
      for (const projection of this.projections) {
        if (!this.running) break;
        try {
          const applied = await this.runBatch(projection);
          busy ||= (applied ?? 0) >= this.batchSize;
        } catch (error) {
          this.options.onError?.(projection.name, error);
        }
      }
      if (this.running && Date.now() - this.lagMeasuredAt >= this.lagIntervalMs) {
        await this.recordLag().catch((error: unknown) => this.options.onError?.('lag', error));
      }
      if (!busy && this.running) await this.sleep();
    }
  }

  private sleep(): Promise<void> {
    // A nudge that arrived while a batch ran must not wait for the next poll.
    if (this.nudged) {
      this.nudged = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.pollIntervalMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        this.nudged = false;
        done();
      };
    });
  }
}

/** Applies a commit-ordered page, switching the transaction's tenant at each tenant boundary. */
export async function applyByTenant(
  tx: Tx,
  projection: Projection,
  events: readonly RecordedEvent[],
  table: (name: string) => string,
  rebuild?: RebuildSession,
): Promise<void> {
  let run: RecordedEvent[] = [];
  const flush = async () => {
    if (run.length === 0) return;
    await tx.setTenant(run[0].tenantId);
    await projection.apply(run, { tx, table, rebuild });
    run = [];
  };
  for (const event of events) {
    if (!handles(projection, event.type)) continue;
    if (run.length > 0 && run[0].tenantId !== event.tenantId) await flush();
    run.push(event);
  }
  await flush();
}

/** The log's head: the last global position handed out (rolled-back appends included). */
const LOG_HEAD = `SELECT coalesce(pg_sequence_last_value(pg_get_serial_sequence('events', 'global_position')::regclass), 0)::text AS head`;

interface MeasuredRow extends CheckpointRow {
  lease_owner: string | null;
  updated_at: Date;
  pending_events: string;
  oldest_pending_at: Date | null;
  log_head: string;
  measured_at: Date | null;
}

/**
 * Each projection's lag as the runner last recorded it, readable by the application role
 * (no cross-tenant read). Events appended since that measurement (the log's head moved on)
 * count as pending, and the read model is then known complete only as of the measurement:
 * a runner that died or never ran shows a lag that grows.
 */
export async function statusOf(
  database: Database,
  projections: readonly Projection[],
): Promise<ProjectionStatus[]> {
  return database.withoutTenant(async (tx) => {
    const async = projections.filter((p) => p.mode === 'async').map((p) => p.name);
    const [{ head }] = await tx.query<{ head: string }>(LOG_HEAD);
    const rows = await tx.query<MeasuredRow & { name: string }>(
      `SELECT name, transaction_id::text, global_position, lease_owner, updated_at,
              pending_events, oldest_pending_at, log_head, measured_at
         FROM projection_checkpoints WHERE name = ANY($1::text[])`,
      [async],
    );
    const now = Date.now();
    const age = (since: Date) => Math.max(0, (now - since.getTime()) / 1000);
    return projections.map((p): ProjectionStatus => {
      if (p.mode === 'inline') {
        return {
          name: p.name,
          mode: p.mode,
          checkpoint: null,
          lagEvents: 0,
          lagSeconds: 0,
          leaseOwner: null,
          updatedAt: null,
        };
      }
      const row = rows.find((r) => r.name === p.name);
      const pending = Number(row?.pending_events ?? 0);
      const arrived = Math.max(0, Number(head) - Number(row?.log_head ?? 0));
      const completeAsOf = row?.measured_at ?? row?.updated_at ?? null;
      const lagSeconds = Math.max(
        pending > 0 && row?.oldest_pending_at ? age(row.oldest_pending_at) : 0,
        arrived > 0 && completeAsOf ? age(completeAsOf) : 0,
      );
      return {
        name: p.name,
        mode: p.mode,
        checkpoint: row
          ? { transactionId: row.transaction_id, globalPosition: Number(row.global_position) }
          : { transactionId: '0', globalPosition: 0 },
        lagEvents: pending + arrived,
        lagSeconds,
        leaseOwner: row?.lease_owner ?? null,
        updatedAt: row?.updated_at ?? null,
      };
    });
  });
}
