import {
  type Database,
  EventStore,
  EventStore1764230400000,
  WorkerRole1764300000000,
  type Projection,
  ProjectionRebuilder,
  ProjectionRunner,
  type RecordedEvent,
  statusOf,
} from '@rapport/event-store';
import { newEvent, newTenant } from '../support/builders';
import { createTestDatabase, onRealPostgres, type TestDatabase } from '../support/test-database';

/** A read model that counts events per stream and remembers the order it saw them in. */
function countingProjection(table: string, mode: 'inline' | 'async') {
  const seen: string[] = [];
  let failOn: string | null = null;
  const projection: Projection = {
    name: table,
    mode,
    tables: [table],
    eventTypes: ['Counted'],
    async apply(events: readonly RecordedEvent[], { tx, table: t }) {
      for (const event of events) {
        if (failOn && (event.data as { label?: string }).label === failOn)
          throw new Error(`handler failed on ${failOn}`);
        await tx.query(
          `INSERT INTO ${t(table)} (tenant_id, stream_id, events) VALUES ($1, $2, 1)
           ON CONFLICT (tenant_id, stream_id) DO UPDATE SET events = ${t(table)}.events + 1`,
          [event.tenantId, event.streamId],
        );
        seen.push((event.data as { label?: string }).label ?? '');
      }
    },
  };
  return {
    projection,
    seen,
    failOn: (label: string | null) => {
      failOn = label;
    },
  };
}

const counted = (label: string) => newEvent('Counted', { label });

/**
 * Counts by reading the stored count and writing it plus one; in a rebuild the write is queued
 * with `rebuild.defer`, so every read must see the writes queued before it. `failOn` writes a
 * NULL count (a failing statement).
 */
function deferringProjection(table: string, failOn: string | null = null) {
  let deferred = 0;
  const projection: Projection = {
    name: table,
    mode: 'async',
    tables: [table],
    eventTypes: ['Counted'],
    async apply(events: readonly RecordedEvent[], { tx, table: t, rebuild }) {
      for (const event of events) {
        const [row] = await tx.query<{ events: number }>(
          `SELECT events FROM ${t(table)} WHERE tenant_id = $1 AND stream_id = $2`,
          [event.tenantId, event.streamId],
        );
        const label = (event.data as { label?: string }).label;
        const sql = `INSERT INTO ${t(table)} (tenant_id, stream_id, events) VALUES ($1, $2, $3)
                     ON CONFLICT (tenant_id, stream_id) DO UPDATE SET events = EXCLUDED.events`;
        const params = [
          event.tenantId,
          event.streamId,
          label === failOn ? null : (row?.events ?? 0) + 1,
        ];
        if (rebuild?.defer) {
          rebuild.defer(sql, params);
          deferred++;
        } else await tx.query(sql, params);
      }
    },
  };
  return { projection, deferred: () => deferred };
}

/**
 * Counts like `countingProjection`, but during a rebuild keeps the counts in the session memo
 * and writes them in `flush`; `failFlush` makes that write fail.
 */
function flushingProjection(table: string, failFlush = false): Projection {
  const live = countingProjection(table, 'async').projection;
  return {
    ...live,
    async apply(events: readonly RecordedEvent[], context) {
      if (!context.rebuild) return live.apply(events, context);
      for (const event of events) {
        const key = `${event.tenantId}/${event.streamId}`;
        const memo = context.rebuild.memo;
        memo.set(key, ((memo.get(key) as number | undefined) ?? 0) + 1);
      }
    },
    async flush({ tx, table: t, rebuild }) {
      for (const [key, events] of rebuild!.memo) {
        const [tenantId, streamId] = key.split('/');
        await tx.setTenant(tenantId);
        await tx.query(
          `INSERT INTO ${t(table)} (tenant_id, stream_id, events) VALUES ($1, $2, $3)`,
          [tenantId, streamId, failFlush ? null : events],
        );
      }
    },
  };
}

async function createCountTable(owner: Database, table: string) {
  await owner.withoutTenant(async (tx) => {
    await tx.query(`CREATE TABLE ${table} (tenant_id uuid NOT NULL, stream_id text NOT NULL, events int NOT NULL,
                     PRIMARY KEY (tenant_id, stream_id))`);
    await tx.query(`CREATE INDEX ${table}_by_events_idx ON ${table} (tenant_id, events)`);
    await tx.query(`SELECT rapport_secure_tenant_table('${table}')`);
  });
}

async function countsOf(
  app: Database,
  tenant: string,
  table: string,
): Promise<Record<string, number>> {
  const rows = await app.withTenant(tenant, (tx) =>
    tx.query<{ stream_id: string; events: number }>(
      `SELECT stream_id, events FROM ${table} ORDER BY stream_id`,
    ),
  );
  return Object.fromEntries(rows.map((r) => [r.stream_id, r.events]));
}

describe('projections', () => {
  let db: TestDatabase;
  let app: Database;
  let store: EventStore;
  let tenant: string;
  let tableNo = 0;
  let table: string;

  beforeAll(async () => {
    db = await createTestDatabase([EventStore1764230400000, WorkerRole1764300000000]);
    app = db.app.database;
    store = new EventStore(app);
  });
  afterAll(() => db.close());
  beforeEach(async () => {
    tenant = (await newTenant(db.worker.database)).tenantId;
    table = `counts_${++tableNo}`;
    await createCountTable(db.owner.database, table);
  });

  describe('async runner', () => {
    it('applies every event once, skips types it does not handle and reports its lag', async () => {
      const { projection } = countingProjection(table, 'async');
      const runner = new ProjectionRunner(db.worker.database, store, [projection], {
        batchSize: 3,
      });
      for (let i = 0; i < 7; i++)
        await store.append(tenant, `s-${i % 2}`, [counted(`e${i}`), newEvent('Ignored')]);

      const [before] = await runner.status();
      expect(before.lagEvents).toBeGreaterThanOrEqual(14);
      expect(await runner.catchUp(projection.name)).toBeGreaterThanOrEqual(14);
      expect(await countsOf(app, tenant, table)).toEqual({ 's-0': 4, 's-1': 3 });

      const [after] = await runner.status();
      expect(after).toMatchObject({ name: table, mode: 'async', lagEvents: 0, lagSeconds: 0 });
      expect(await runner.catchUp(projection.name)).toBe(0);
    });

    it('reports lag to the application role from what the runner recorded, growing when the runner stops', async () => {
      const { projection } = countingProjection(table, 'async');
      const runner = new ProjectionRunner(db.worker.database, store, [projection]);
      await store.append(tenant, 'lag', [counted('1')]);
      await runner.catchUp(projection.name);
      await runner.status(); // records: nothing pending at the log's head
      expect(await statusOf(app, [projection])).toMatchObject([{ lagEvents: 0, lagSeconds: 0 }]);

      // The runner dies (its last measurement 90 s ago), and events keep arriving.
      await db.owner.database.withoutTenant((tx) =>
        tx.query(
          `UPDATE projection_checkpoints SET measured_at = now() - interval '90 seconds' WHERE name = $1`,
          [projection.name],
        ),
      );
      expect((await statusOf(app, [projection]))[0].lagSeconds).toBe(0);
      await store.append(tenant, 'lag', [counted('2'), counted('3')]);
      const [dead] = await statusOf(app, [projection]);
      expect(dead.lagEvents).toBe(2);
      expect(dead.lagSeconds).toBeGreaterThanOrEqual(90);

      // A live runner measures again: the pending events and the oldest one's age.
      await runner.recordLag();
      const [measured] = await statusOf(app, [projection]);
      expect(measured.lagEvents).toBe(2);
      expect(measured.lagSeconds).toBeLessThan(90);
      await runner.catchUp(projection.name);
      expect((await runner.status())[0]).toMatchObject({ lagEvents: 0, lagSeconds: 0 });
    });

    it('applies events of several tenants each under its own tenant', async () => {
      const other = (await newTenant(db.worker.database)).tenantId;
      const { projection } = countingProjection(table, 'async');
      await store.append(tenant, 'mine', [counted('a')]);
      await store.append(other, 'theirs', [counted('b'), counted('c')]);
      await new ProjectionRunner(db.worker.database, store, [projection]).catchUp(projection.name);
      expect(await countsOf(app, tenant, table)).toEqual({ mine: 1 });
      expect(await countsOf(app, other, table)).toEqual({ theirs: 2 });
    });

    it('leaves read model and checkpoint untouched when a handler throws mid-batch, then applies each event once', async () => {
      const { projection, failOn } = countingProjection(table, 'async');
      const runner = new ProjectionRunner(db.worker.database, store, [projection], {
        batchSize: 100,
      });
      await store.append(tenant, 'crash', [counted('1'), counted('2'), counted('3'), counted('4')]);
      const [before] = await runner.status();

      failOn('3');
      await expect(runner.catchUp(projection.name)).rejects.toThrow(/handler failed on 3/);
      expect(await countsOf(app, tenant, table)).toEqual({});
      expect((await runner.status())[0].checkpoint).toEqual(before.checkpoint);

      failOn(null);
      await runner.catchUp(projection.name);
      expect(await countsOf(app, tenant, table)).toEqual({ crash: 4 });
    });

    it('lets only one of several runners work a projection at a time', async () => {
      const first = countingProjection(table, 'async');
      const second = countingProjection(table, 'async');
      const runnerA = new ProjectionRunner(db.worker.database, store, [first.projection], {
        ownerId: 'A',
        batchSize: 2,
      });
      const runnerB = new ProjectionRunner(db.worker.database, store, [second.projection], {
        ownerId: 'B',
        batchSize: 2,
      });
      for (let i = 0; i < 10; i++) await store.append(tenant, 'shared', [counted(`${i}`)]);

      const [a, b] = await Promise.all([runnerA.catchUp(table), runnerB.catchUp(table)]);
      expect([a, b].filter((n) => n > 0)).toHaveLength(1);
      expect(await countsOf(app, tenant, table)).toEqual({ shared: 10 });
      expect(await runnerB.runBatch(second.projection)).toBeNull();

      await runnerA.stop(); // releases the lease: B takes over without waiting for expiry
      await store.append(tenant, 'shared', [counted('late')]);
      expect(await runnerB.catchUp(table)).toBeGreaterThan(0);
      expect(await countsOf(app, tenant, table)).toEqual({ shared: 11 });
    });

    it('polls in the background and wakes on appends from this process', async () => {
      const { projection } = countingProjection(table, 'async');
      const runner = new ProjectionRunner(db.worker.database, store, [projection], {
        pollIntervalMs: 60_000,
      });
      const listening = new EventStore(app);
      listening.onAppended(() => runner.nudge());
      runner.start();
      try {
        await listening.append(tenant, 'woken', [counted('x')]);
        await waitFor(async () => (await countsOf(app, tenant, table)).woken === 1);
      } finally {
        await runner.stop();
      }
    });

    // PGlite serialises transactions, so this interleaving exists only on a real server.
    const onServerIt = onRealPostgres ? it : () => undefined;
    onServerIt('never passes an event whose transaction commits later', async () => {
      const { projection, seen } = countingProjection(table, 'async');
      const runner = new ProjectionRunner(db.worker.database, store, [projection]);
      await runner.catchUp(projection.name); // history of earlier tests
      seen.length = 0;
      let releaseT1!: () => void;
      const t1Holds = new Promise<void>((resolve) => (releaseT1 = resolve));
      let t1Appended!: () => void;
      const t1HasPosition = new Promise<void>((resolve) => (t1Appended = resolve));

      const t1 = app.withTenant(tenant, async (tx) => {
        await store.append(tenant, 'ooo-1', [counted('T1')], { tx });
        t1Appended();
        await t1Holds;
      });
      try {
        await t1HasPosition;
        await store.append(tenant, 'ooo-2', [counted('T2')]); // later position, commits first
        await runner.catchUp(projection.name);
        expect(seen).toEqual([]);
      } finally {
        releaseT1();
        await t1;
      }
      await runner.catchUp(projection.name);
      expect(seen).toEqual(['T1', 'T2']);
    });
  });

  describe('inline projections', () => {
    it('updates the read model in the append transaction and rolls back with it', async () => {
      const { projection, failOn } = countingProjection(table, 'inline');
      const inlineStore = new EventStore(app);
      inlineStore.addInlineProjection(projection);

      await inlineStore.append(tenant, 'rw', [counted('1'), counted('2')], {
        expectedVersion: 'noStream',
      });
      expect(await countsOf(app, tenant, table)).toEqual({ rw: 2 });

      await expect(
        inlineStore.append(tenant, 'rw', [counted('3')], { expectedVersion: 1 }),
      ).rejects.toThrow(/expected/);
      failOn('4');
      await expect(inlineStore.append(tenant, 'rw', [counted('4')])).rejects.toThrow(
        /handler failed/,
      );
      expect(await countsOf(app, tenant, table)).toEqual({ rw: 2 });
      expect(await inlineStore.readStream(tenant, 'rw')).toHaveLength(2);

      failOn(null);
      const retried = [counted('5')];
      await inlineStore.append(tenant, 'rw', retried);
      await inlineStore.append(tenant, 'rw', retried); // a client retry: not applied twice
      expect(await countsOf(app, tenant, table)).toEqual({ rw: 3 });
    });
  });

  describe('rebuild', () => {
    it('replays history into twin tables and swaps them in while queries keep working', async () => {
      const { projection } = countingProjection(table, 'async');
      const runner = new ProjectionRunner(db.worker.database, store, [projection]);
      for (let i = 0; i < 30; i++) await store.append(tenant, `r-${i % 3}`, [counted(`${i}`)]);
      await runner.catchUp(table);
      const expected = await countsOf(app, tenant, table);
      // Damage the live read model: the rebuild must recompute it from history alone.
      await app.withTenant(tenant, (tx) => tx.query(`UPDATE ${table} SET events = 0`));

      let reading = true;
      let reads = 0;
      const readLoop = (async () => {
        while (reading) {
          await countsOf(app, tenant, table);
          reads++;
        }
      })();
      const progress: number[] = [];
      const result = await new ProjectionRebuilder(db.owner.database, store, 7).rebuild(
        projection,
        (p) => progress.push(p.applied),
      );
      reading = false;
      await readLoop;

      expect(reads).toBeGreaterThan(0);
      expect(result.events).toBeGreaterThanOrEqual(30);
      expect(progress.at(-1)).toBe(result.events);
      expect(await countsOf(app, tenant, table)).toEqual(expected);
      const indexes = await app.withoutTenant((tx) =>
        tx.query<{ indexname: string }>(
          `SELECT indexname FROM pg_indexes WHERE tablename = $1 ORDER BY 1`,
          [table],
        ),
      );
      expect(indexes.map((i) => i.indexname)).toEqual([`${table}_by_events_idx`, `${table}_pkey`]);
      expect(await app.withoutTenant((tx) => tx.query(`SELECT * FROM ${table}`))).toEqual([]);

      // The runner carries on from the rebuilt checkpoint without applying anything twice.
      await store.append(tenant, 'r-0', [counted('after')]);
      await runner.catchUp(table);
      expect(await countsOf(app, tenant, table)).toEqual({
        ...expected,
        'r-0': expected['r-0'] + 1,
      });
    });

    it('runs queued writes in order, under their tenant, before any later read and before each commit', async () => {
      const other = (await newTenant(db.worker.database)).tenantId;
      const { projection, deferred } = deferringProjection(table);
      const expected: Record<string, Record<string, number>> = { [tenant]: {}, [other]: {} };
      for (let i = 0; i < 23; i++) {
        // Interleaved tenants: a page switches tenant several times between queued writes.
        const owner = i % 2 === 0 ? tenant : other;
        const stream = `q-${i % 3}`;
        await store.append(owner, stream, [counted(`${i}`)]);
        expected[owner][stream] = (expected[owner][stream] ?? 0) + 1;
      }

      // Pages of 3 events, two pages per transaction: reads meet queued writes of the same
      // page, of the page before, and of the transaction before.
      await new ProjectionRebuilder(db.owner.database, store, 3, undefined, 2).rebuild(projection);
      expect(deferred()).toBeGreaterThanOrEqual(23);
      expect(await countsOf(app, tenant, table)).toEqual(expected[tenant]);
      expect(await countsOf(app, other, table)).toEqual(expected[other]);
    });

    it('fails the rebuild when a queued write fails, and leaves the live read model as it was', async () => {
      const { projection } = deferringProjection(table, 'unwritable');
      await app.withTenant(tenant, (tx) =>
        tx.query(`INSERT INTO ${table} (tenant_id, stream_id, events) VALUES ($1, 'live', 42)`, [
          tenant,
        ]),
      );
      await store.append(tenant, 'f-1', [counted('1'), counted('unwritable'), counted('3')]);

      await expect(
        new ProjectionRebuilder(db.owner.database, store, 2, undefined, 2).rebuild(projection),
      ).rejects.toThrow(/null value/);
      expect(await countsOf(app, tenant, table)).toEqual({ live: 42 });
    });

    it('rebuilds several projections in one pass, each twin logged and indexed before it goes live', async () => {
      const second = `${table}_b`;
      await createCountTable(db.owner.database, second);
      const counting = countingProjection(table, 'async').projection;
      const flushing = flushingProjection(second);
      for (let i = 0; i < 9; i++) await store.append(tenant, `m-${i % 2}`, [counted(`${i}`)]);

      await new ProjectionRebuilder(db.owner.database, store, 4).rebuildMany([counting, flushing]);
      expect(await countsOf(app, tenant, table)).toEqual({ 'm-0': 5, 'm-1': 4 });
      expect(await countsOf(app, tenant, second)).toEqual({ 'm-0': 5, 'm-1': 4 });
      const tables = await app.withoutTenant((tx) =>
        tx.query<{ relname: string; relpersistence: string; indexes: string[] }>(
          `SELECT c.relname, c.relpersistence,
                  array(SELECT indexname::text FROM pg_indexes WHERE tablename = c.relname ORDER BY 1) AS indexes
             FROM pg_class c WHERE c.relname LIKE $1 AND c.relkind = 'r' ORDER BY 1`,
          [`${table}%`],
        ),
      );
      // Permanent (crash-safe), secondary indexes rebuilt under their live names, no twin left.
      expect(tables).toEqual([
        {
          relname: table,
          relpersistence: 'p',
          indexes: [`${table}_by_events_idx`, `${table}_pkey`],
        },
        {
          relname: second,
          relpersistence: 'p',
          indexes: [`${second}_by_events_idx`, `${second}_pkey`],
        },
      ]);
    });

    it('fails when a flush fails, swaps nothing in and leaves no transaction open', async () => {
      const second = `${table}_b`;
      await createCountTable(db.owner.database, second);
      const counting = countingProjection(table, 'async').projection;
      await store.append(tenant, 'kept', [counted('1')]);
      await new ProjectionRunner(db.worker.database, store, [counting]).catchUp(table);
      await store.append(tenant, 'kept', [counted('2')]);

      await expect(
        new ProjectionRebuilder(db.owner.database, store).rebuildMany([
          counting,
          flushingProjection(second, true),
        ]),
      ).rejects.toThrow(/null value/);
      // The live tables are as they were; the twins are left for the next rebuild to replace.
      expect(await countsOf(app, tenant, table)).toEqual({ kept: 1 });
      expect(await countsOf(app, tenant, second)).toEqual({});
      const open = await app.withoutTenant((tx) =>
        tx.query(
          `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`,
        ),
      );
      expect(open).toEqual([]);
    });

    it('rebuilds inline projections too', async () => {
      const { projection } = countingProjection(table, 'inline');
      const inlineStore = new EventStore(app);
      inlineStore.addInlineProjection(projection);
      for (let i = 0; i < 5; i++) await inlineStore.append(tenant, 'inl', [counted(`${i}`)]);
      await app.withTenant(tenant, (tx) => tx.query(`DELETE FROM ${table}`));

      await new ProjectionRebuilder(db.owner.database, inlineStore).rebuild(projection);
      expect(await countsOf(app, tenant, table)).toEqual({ inl: 5 });
      await inlineStore.append(tenant, 'inl', [counted('after')]);
      expect(await countsOf(app, tenant, table)).toEqual({ inl: 6 });
    });
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
}
