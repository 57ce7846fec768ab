import { randomUUID } from 'node:crypto';
import { type Database, type Tx } from '../database/database';
import { type EventStore } from '../event-store';
import { type Checkpoint, type RecordedEvent } from '../event-store.types';
import { handles, liveTables, type Projection, type RebuildSession } from './projection';

export interface RunnerOptions {
  batchSize?: number;
  /** Polling is the source of truth; appends in this process also wake the runner at once. */
  pollIntervalMs?: number;
  /**
   * How long a lease lasts. The runner renews it once less than half is left (or with each
   * batch), so an idle runner writes its row about twice per lease, not at every poll.
   */
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
 * Where a projection stands, as one read-only statement sees it: `held` is this runner's lease
 * with more than half its length left, `renew` is this runner's with less (or expired but not
 * taken), `free` is nobody's or expired, `taken` is another runner's live lease.
 */
interface Probe {
  checkpoint: Checkpoint;
  lease: 'held' | 'renew' | 'free' | 'taken';
  pending: boolean;
}

interface ProbeRow extends CheckpointRow {
  name: string;
  lease: Probe['lease'];
  pending: boolean;
}

/**
 * Feeds async projections from the commit-safe log. Each batch applies events and moves the
 * checkpoint with compare-and-set in one transaction, so a crash neither skips nor repeats.
 * A lease row makes one runner per projection active across processes. Its database is the
 * worker role's (it reads every tenant's events); it records its lag on the checkpoint row,
 * where request paths read it (docs/adr/0011). A poll with nothing to do is one read-only
 * statement: it writes neither checkpoint nor lease (docs/adr/0009, runner section).
 */
export class ProjectionRunner {
  readonly ownerId: string;
  /** Polling rounds so far (tests count them; metrics can export them). */
  polls = 0;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly leaseMs: number;
  private readonly lagIntervalMs: number;
  private lagMeasuredAt = 0;
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  /** Wake-ups so far: a round that began after the last one has already seen its events. */
  private wakes = 0;
  private idleWaiters: (() => void)[] = [];
  /** The batch in flight per projection: a held lease has no row lock, so this process queues its own. */
  private inFlight = new Map<string, Promise<unknown>>();

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
    this.settleIdle();
    await this.database.withoutTenant((tx) =>
      tx.execute(
        `UPDATE projection_checkpoints SET lease_owner = NULL, lease_expires_at = NULL WHERE lease_owner = $1`,
        [this.ownerId],
      ),
    );
  }

  /** Resolves once the polling loop has nothing left to do (at once if it is waiting already, or stopped). */
  whenIdle(): Promise<void> {
    if (!this.running || this.wake) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
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
   * A row whose measurement still holds (same head, same count) is rewritten only once it is
   * half a lease old, so an idle runner does not write every second.
   */
  async recordLag(): Promise<void> {
    const [{ head }] = await this.database.statement<{ head: string }>(LOG_HEAD, []);
    await this.database.statement(
      `UPDATE projection_checkpoints c
          SET pending_events = l.pending, oldest_pending_at = l.oldest_recorded_at,
              log_head = $2, measured_at = now()
         FROM projection_checkpoints o
              CROSS JOIN LATERAL rapport_events_after(o.transaction_id, o.global_position) l
        WHERE o.name = ANY($1::text[]) AND c.name = o.name
          AND (c.log_head <> $2 OR c.pending_events <> l.pending OR c.measured_at IS NULL
               OR c.measured_at < now() - make_interval(secs => $3::double precision / 2000))`,
      [this.projections.map((p) => p.name), head, this.leaseMs],
    );
    this.lagMeasuredAt = Date.now();
  }

  /** A hint that new events exist; the poll would find them anyway. */
  nudge(): void {
    this.wakes++;
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
   * One round over every projection: one read-only statement asks each where it stands, and
   * only a projection with new events (or a lease to renew) goes on to write. Returns whether
   * some projection filled a whole batch (more is likely waiting).
   */
  async poll(): Promise<boolean> {
    this.polls++;
    const probes = await this.probe(this.projections);
    let busy = false;
    for (const projection of this.projections) {
      if (!this.running && this.loop) break;
      try {
        const applied = await this.exclusive(projection.name, async (waited) =>
          this.step(
            projection,
            waited
              ? (await this.probe([projection])).get(projection.name)
              : probes.get(projection.name),
          ),
        );
        busy ||= (applied ?? 0) >= this.batchSize;
      } catch (error) {
        this.options.onError?.(projection.name, error);
      }
    }
    return busy;
  }

  /**
   * One batch: `null` when another process holds the lease, else the number of events read
   * (the checkpoint moved past them, whether or not the projection handles their type).
   */
  async runBatch(projection: Projection): Promise<number | null> {
    return this.exclusive(projection.name, async () =>
      this.step(projection, (await this.probe([projection])).get(projection.name)),
    );
  }

  /** Runs `work` after this process's batch of the same projection; `waited` says one was in flight. */
  private async exclusive<T>(name: string, work: (waited: boolean) => Promise<T>): Promise<T> {
    const before = this.inFlight.get(name);
    const run = (before ?? Promise.resolve()).catch(() => undefined).then(() => work(!!before));
    const settled = run.catch(() => undefined);
    this.inFlight.set(name, settled);
    try {
      return await run;
    } finally {
      if (this.inFlight.get(name) === settled) this.inFlight.delete(name);
    }
  }

  /** Measures and records the lag now, then reports it as request paths see it. */
  async status(): Promise<ProjectionStatus[]> {
    await this.register();
    await this.recordLag();
    return statusOf(this.database, this.projections);
  }

  /** Acts on a probe: nothing, a lease renewal, or a batch (which takes the lease first unless held). */
  private async step(projection: Projection, probe: Probe | undefined): Promise<number | null> {
    if (probe?.lease === 'taken') return null;
    if (probe && !probe.pending) {
      if (probe.lease === 'renew') await this.renewLease(projection.name);
      return 0;
    }
    return this.applyBatch(projection, probe?.lease === 'held' ? probe.checkpoint : null);
  }

  /** `held`: the checkpoint this runner's live lease guards; null: take the lease in the batch first. */
  private async applyBatch(
    projection: Projection,
    held: Checkpoint | null,
  ): Promise<number | null> {
    return this.database.withoutTenant(async (tx) => {
      const from = held ?? (await this.takeLease(tx, projection.name));
      if (!from) return null;
      const page = await this.store.readAll(from, this.batchSize, tx);
      if (page.events.length === 0) return 0;
      await applyByTenant(tx, projection, page.events, liveTables());
      // The lease is extended by the same statement that moves the checkpoint.
      const moved = await tx.execute(
        `UPDATE projection_checkpoints
            SET transaction_id = $3::xid8, global_position = $4, updated_at = now(),
                lease_expires_at = now() + make_interval(secs => $7::double precision / 1000)
          WHERE name = $1 AND lease_owner = $2 AND transaction_id = $5::xid8 AND global_position = $6`,
        [
          projection.name,
          this.ownerId,
          page.checkpoint.transactionId,
          page.checkpoint.globalPosition,
          from.transactionId,
          from.globalPosition,
          this.leaseMs,
        ],
      );
      if (moved !== 1) throw new CheckpointConflictError(projection.name);
      return page.events.length;
    });
  }

  /**
   * Where each projection stands, in one read-only statement (no transaction on a server):
   * its checkpoint, its lease as this runner sees it, and whether an event waits past the fence.
   */
  private async probe(projections: readonly Projection[]): Promise<Map<string, Probe>> {
    const rows = await this.database.statement<ProbeRow>(
      `SELECT c.name, c.transaction_id::text, c.global_position,
              CASE WHEN c.lease_owner = $2
                        AND c.lease_expires_at > now() + make_interval(secs => $3::double precision / 2000)
                     THEN 'held'
                   WHEN c.lease_owner = $2 THEN 'renew'
                   WHEN c.lease_owner IS NULL OR c.lease_expires_at < now() THEN 'free'
                   ELSE 'taken' END AS lease,
              EXISTS (SELECT 1 FROM rapport_read_all_events(c.transaction_id, c.global_position, 1)) AS pending
         FROM projection_checkpoints c WHERE c.name = ANY($1::text[])`,
      [projections.map((p) => p.name), this.ownerId, this.leaseMs],
    );
    return new Map(
      rows.map((r) => [
        r.name,
        {
          checkpoint: {
            transactionId: r.transaction_id,
            globalPosition: Number(r.global_position),
          },
          lease: r.lease,
          pending: r.pending,
        },
      ]),
    );
  }

  private async renewLease(name: string): Promise<void> {
    await this.database.statement(
      `UPDATE projection_checkpoints
          SET lease_expires_at = now() + make_interval(secs => $3::double precision / 1000)
        WHERE name = $1 AND lease_owner = $2`,
      [name, this.ownerId, this.leaseMs],
    );
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
      const seen = this.wakes;
      let busy = false;
      try {
        busy = await this.poll();
      } catch (error) {
        this.options.onError?.('poll', error);
      }
      if (this.running && Date.now() - this.lagMeasuredAt >= this.lagIntervalMs) {
        await this.recordLag().catch((error: unknown) => this.options.onError?.('lag', error));
      }
      // Wake-ups that came during the round ask for one more; those before it were covered.
      if (!busy && this.running && this.wakes === seen) await this.sleep();
    }
  }

  private sleep(): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(wake, this.pollIntervalMs);
      this.wake = wake;
      this.settleIdle();
    });
  }

  private settleIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

/**
 * Applies a commit-ordered page: each tenant's events in one call, in their commit order, so a
 * projection folds a tenant's rows once per page instead of reading back what it wrote at each
 * switch between interleaved tenants. Tenants cannot see each other's rows (RLS), so only the
 * order within a tenant can matter.
 */
export async function applyByTenant(
  tx: Tx,
  projection: Projection,
  events: readonly RecordedEvent[],
  table: (name: string) => string,
  rebuild?: RebuildSession,
): Promise<void> {
  const byTenant = new Map<string, RecordedEvent[]>();
  for (const event of events) {
    if (!handles(projection, event.type)) continue;
    const run = byTenant.get(event.tenantId);
    if (run) run.push(event);
    else byTenant.set(event.tenantId, [event]);
  }
  for (const [tenantId, run] of byTenant) {
    await tx.setTenant(tenantId);
    await projection.apply(run, { tx, table, rebuild });
  }
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
