import {
  type Database,
  EventStore,
  EventStore1764230400000,
  WorkerRole1764300000000,
  type Projection,
  ProjectionRunner,
  type RecordedEvent,
} from '@rapport/event-store';
import { newEvent, newTenant } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const counted = (label: string) => newEvent('Counted', { label });

interface Call {
  tenantId: string;
  labels: string[];
}

/**
 * Counts events per stream by reading the stored count back; records each `apply` call, and
 * while `block` is set the next call waits for `release` (a batch held open).
 */
function gatedProjection(name: string) {
  const calls: Call[] = [];
  let gate: { entered: () => void; open: Promise<void> } | null = null;
  const projection: Projection = {
    name,
    mode: 'async',
    tables: [name],
    eventTypes: ['Counted'],
    async apply(events: readonly RecordedEvent[], { tx }) {
      calls.push({
        tenantId: tx.tenantId!,
        labels: events.map((e) => (e.data as { label: string }).label),
      });
      if (gate) {
        const { entered, open } = gate;
        gate = null;
        entered();
        await open;
      }
      for (const event of events) {
        await tx.query(
          `INSERT INTO ${name} (tenant_id, stream_id, events) VALUES ($1, $2, 1)
           ON CONFLICT (tenant_id, stream_id) DO UPDATE SET events = ${name}.events + 1`,
          [event.tenantId, event.streamId],
        );
      }
    },
  };
  return {
    projection,
    calls,
    /** Holds the next batch open: resolves `entered` once it is in, and waits for `release`. */
    block() {
      let entered!: () => void;
      let release!: () => void;
      const inside = new Promise<void>((resolve) => (entered = resolve));
      const open = new Promise<void>((resolve) => (release = resolve));
      gate = { entered, open };
      return { inside, release };
    },
  };
}

async function createCountTable(owner: Database, table: string) {
  await owner.withoutTenant(async (tx) => {
    await tx.query(`CREATE TABLE ${table} (tenant_id uuid NOT NULL, stream_id text NOT NULL, events int NOT NULL,
                     PRIMARY KEY (tenant_id, stream_id))`);
    await tx.query(`SELECT rapport_secure_tenant_table('${table}')`);
  });
}

interface CheckpointRow {
  xmin: string;
  transaction_id: string;
  global_position: string;
  lease_owner: string | null;
  lease_expires_at: Date | null;
  updated_at: Date;
  measured_at: Date | null;
  /** Seconds the lease has left, by the database's clock. */
  lease_left: number | null;
}

describe('projection runner', () => {
  let db: TestDatabase;
  let store: EventStore;
  let tenant: string;
  let tableNo = 0;
  let table: string;

  const checkpointRow = async (): Promise<CheckpointRow> => {
    const [row] = await db.owner.database.withoutTenant((tx) =>
      tx.query<CheckpointRow>(
        `SELECT xmin::text, transaction_id::text, global_position, lease_owner, lease_expires_at,
                updated_at, measured_at,
                extract(epoch FROM lease_expires_at - now())::float8 AS lease_left
           FROM projection_checkpoints WHERE name = $1`,
        [table],
      ),
    );
    return row;
  };
  /** Moves the lease's expiry to `seconds` from now, as if that much of it were left. */
  const leaseLeft = (seconds: number) =>
    db.owner.database.withoutTenant((tx) =>
      tx.query(
        `UPDATE projection_checkpoints
            SET lease_expires_at = now() + make_interval(secs => $2) WHERE name = $1`,
        [table, seconds],
      ),
    );

  beforeAll(async () => {
    db = await createTestDatabase([EventStore1764230400000, WorkerRole1764300000000]);
    store = new EventStore(db.app.database);
  });
  afterAll(() => db.close());
  beforeEach(async () => {
    tenant = (await newTenant(db.worker.database)).tenantId;
    table = `runner_counts_${++tableNo}`;
    await createCountTable(db.owner.database, table);
  });

  it('wakes at once on the first append, and coalesces a burst of wake-ups into one more round', async () => {
    const gated = gatedProjection(table);
    const runner = new ProjectionRunner(db.worker.database, store, [gated.projection], {
      pollIntervalMs: 60_000,
    });
    const listening = new EventStore(db.app.database);
    listening.onAppended(() => runner.nudge());
    runner.start();
    try {
      await runner.whenIdle();

      // A burst while the runner waits: the round it starts sees every one of them.
      let polls = runner.polls;
      for (let i = 0; i < 100; i++) runner.nudge();
      await runner.whenIdle();
      expect(runner.polls - polls).toBe(1);

      // A burst while a batch is held open: one round after it, at most two.
      const held = gated.block();
      await listening.append(tenant, 'burst', [counted('first')]);
      await held.inside; // the append woke the runner although its poll interval is a minute
      polls = runner.polls;
      for (let i = 0; i < 100; i++) runner.nudge();
      held.release();
      await runner.whenIdle();
      expect(runner.polls - polls).toBeLessThanOrEqual(2);
      expect(gated.calls.map((c) => c.labels)).toEqual([['first']]);
    } finally {
      await runner.stop();
    }
  });

  it('polls with nothing to do without writing the checkpoint row, and does not take a free lease for nothing', async () => {
    const { projection } = gatedProjection(table);
    const runner = new ProjectionRunner(db.worker.database, store, [projection]);
    await store.append(tenant, 'idle', [counted('1')]);
    await runner.catchUp(table);
    await runner.recordLag();
    const before = await checkpointRow();
    expect(before.lease_owner).toBe(runner.ownerId);

    for (let i = 0; i < 20; i++) {
      expect(await runner.poll()).toBe(false);
      await runner.recordLag();
    }
    expect(await checkpointRow()).toEqual({ ...before, lease_left: expect.any(Number) });

    // Released (a clean stop): another runner with nothing to do leaves the row alone too.
    await runner.stop();
    const released = await checkpointRow();
    const next = new ProjectionRunner(db.worker.database, store, [projection]);
    for (let i = 0; i < 20; i++) await next.poll();
    expect(await checkpointRow()).toEqual(released);
    expect(released.lease_owner).toBeNull();
  });

  it('renews its lease when less than half is left, and extends it with each batch', async () => {
    const { projection } = gatedProjection(table);
    const runner = new ProjectionRunner(db.worker.database, store, [projection], {
      leaseMs: 60_000,
    });
    await store.append(tenant, 'lease', [counted('1')]);
    await runner.catchUp(table);

    await leaseLeft(40); // more than half left: an idle poll keeps it as it is
    const kept = await checkpointRow();
    await runner.poll();
    expect(await checkpointRow()).toEqual({ ...kept, lease_left: expect.any(Number) });

    await leaseLeft(20); // less than half left: renewed, the checkpoint untouched
    await runner.poll();
    const renewed = await checkpointRow();
    expect(renewed.lease_left).toBeGreaterThan(40);
    expect(renewed.updated_at).toEqual(kept.updated_at);
    expect(renewed.global_position).toBe(kept.global_position);

    await leaseLeft(40); // still held: the batch extends it in the statement moving the checkpoint
    await store.append(tenant, 'lease', [counted('2')]);
    await runner.poll();
    const moved = await checkpointRow();
    expect(Number(moved.global_position)).toBeGreaterThan(Number(kept.global_position));
    expect(moved.lease_left).toBeGreaterThan(40);
  });

  it('never takes a live lease, even one due for renewal, and takes over a crashed runner after expiry', async () => {
    const first = gatedProjection(table);
    const second = gatedProjection(table);
    const crashed = new ProjectionRunner(db.worker.database, store, [first.projection], {
      ownerId: 'crashed',
      leaseMs: 60_000,
    });
    const survivor = new ProjectionRunner(db.worker.database, store, [second.projection], {
      ownerId: 'survivor',
      leaseMs: 60_000,
    });
    await store.append(tenant, 'lease', [counted('1')]);
    await crashed.catchUp(table);
    await store.append(tenant, 'lease', [counted('2')]);

    expect(await survivor.runBatch(second.projection)).toBeNull();
    await leaseLeft(10); // due for renewal by its holder, but live
    expect(await survivor.runBatch(second.projection)).toBeNull();
    expect(await survivor.poll()).toBe(false);
    expect(second.calls).toEqual([]);
    expect((await checkpointRow()).lease_owner).toBe('crashed');

    await leaseLeft(-1); // the holder died a lease ago and never renewed
    expect(await survivor.catchUp(table)).toBeGreaterThan(0);
    expect(second.calls.flatMap((c) => c.labels)).toEqual(['2']);
    expect((await checkpointRow()).lease_owner).toBe('survivor');
    expect(await crashed.runBatch(first.projection)).toBeNull();
  });

  it('applies each tenant of a batch in one call, in commit order', async () => {
    const other = (await newTenant(db.worker.database)).tenantId;
    const gated = gatedProjection(table);
    const runner = new ProjectionRunner(db.worker.database, store, [gated.projection]);
    await runner.catchUp(table); // history of earlier tests
    gated.calls.length = 0;
    for (let i = 0; i < 6; i++)
      await store.append(i % 2 === 0 ? tenant : other, 'mixed', [counted(`${i}`)]);

    await runner.catchUp(table);
    expect(gated.calls).toEqual([
      { tenantId: tenant, labels: ['0', '2', '4'] },
      { tenantId: other, labels: ['1', '3', '5'] },
    ]);
  });
});
