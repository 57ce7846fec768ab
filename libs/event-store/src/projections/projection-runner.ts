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
 * A lease row makes one runner per projection active across processes.
 */
export class ProjectionRunner {
  readonly ownerId: string;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly leaseMs: number;
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

  async status(): Promise<ProjectionStatus[]> {
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

export async function statusOf(
  database: Database,
  projections: readonly Projection[],
): Promise<ProjectionStatus[]> {
  return database.withoutTenant(async (tx) => {
    const statuses: ProjectionStatus[] = [];
    for (const p of projections) {
      if (p.mode === 'inline') {
        statuses.push({
          name: p.name,
          mode: p.mode,
          checkpoint: null,
          lagEvents: 0,
          lagSeconds: 0,
          leaseOwner: null,
          updatedAt: null,
        });
        continue;
      }
      const [row] = await tx.query<
        CheckpointRow & { lease_owner: string | null; updated_at: Date }
      >(
        `SELECT transaction_id::text, global_position, lease_owner, updated_at FROM projection_checkpoints WHERE name = $1`,
        [p.name],
      );
      const checkpoint = row
        ? { transactionId: row.transaction_id, globalPosition: Number(row.global_position) }
        : { transactionId: '0', globalPosition: 0 };
      const [lag] = await tx.query<{ pending: string; oldest_recorded_at: Date | null }>(
        `SELECT * FROM rapport_events_after($1::xid8, $2)`,
        [checkpoint.transactionId, checkpoint.globalPosition],
      );
      statuses.push({
        name: p.name,
        mode: p.mode,
        checkpoint,
        lagEvents: Number(lag.pending),
        lagSeconds: lag.oldest_recorded_at
          ? Math.max(0, (Date.now() - lag.oldest_recorded_at.getTime()) / 1000)
          : 0,
        leaseOwner: row?.lease_owner ?? null,
        updatedAt: row?.updated_at ?? null,
      });
    }
    return statuses;
  });
}
