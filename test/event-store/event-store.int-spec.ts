import {
  ConcurrencyError,
  type Database,
  EventStore,
  EventStore1764230400000,
  WorkerRole1764300000000,
  EventStoreError,
  EventStoreErrorCode,
  LeanAppend1764230950000,
  START,
  Upcasters,
} from '@rapport/event-store';
import { randomUUID } from 'node:crypto';
import { newEvent, newTenant } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('event store', () => {
  let db: TestDatabase;
  let app: Database;
  let store: EventStore;
  let tenant: string;

  beforeAll(async () => {
    db = await createTestDatabase([
      EventStore1764230400000,
      LeanAppend1764230950000,
      WorkerRole1764300000000,
    ]);
    app = db.app.database;
    store = new EventStore(app);
  });
  afterAll(() => db.close());
  beforeEach(async () => {
    tenant = (await newTenant(db.worker.database)).tenantId;
  });

  describe('append', () => {
    it('numbers a stream gaplessly from 1 and reads it back in order', async () => {
      await store.append(tenant, 's-1', [newEvent('A'), newEvent('B')], {
        expectedVersion: 'noStream',
      });
      const result = await store.append(tenant, 's-1', [newEvent('C')], { expectedVersion: 2 });
      expect(result).toMatchObject({ nextExpectedVersion: 3, replayed: false });

      const events = await store.readStream(tenant, 's-1');
      expect(events.map((e) => [e.type, e.streamVersion])).toEqual([
        ['A', 1],
        ['B', 2],
        ['C', 3],
      ]);
      expect(events.map((e) => e.globalPosition)).toEqual(
        [...events.map((e) => e.globalPosition)].sort((a, b) => a - b),
      );
      expect(
        (await store.readStream(tenant, 's-1', { fromVersion: 2 })).map((e) => e.type),
      ).toEqual(['B', 'C']);
    });

    it('stores data, metadata and the writing transaction id', async () => {
      const event = {
        ...newEvent('A', { n: 1 }),
        metadata: { correlationId: 'c-1', actorId: 'u-1', actorRole: 'admin' },
      };
      await store.append(tenant, 's-meta', [event]);
      const [read] = await store.readStream(tenant, 's-meta');
      expect(read).toMatchObject({
        eventId: event.eventId,
        data: { n: 1 },
        metadata: { correlationId: 'c-1', actorId: 'u-1', actorRole: 'admin' },
        schemaVersion: 1,
        tenantId: tenant,
      });
      expect(BigInt(read.transactionId)).toBeGreaterThan(0n);
      expect(read.recordedAt).toBeInstanceOf(Date);
    });

    it.each([
      ['noStream on an existing stream', 'noStream' as const, 1],
      ['an exact version that is behind', 1, 2],
      ['an exact version that is ahead', 5, 2],
    ])('rejects %s with the expected and actual versions', async (_, expectedVersion, existing) => {
      const stream = `s-${randomUUID()}`;
      await store.append(
        tenant,
        stream,
        Array.from({ length: existing }, () => newEvent()),
      );
      const error = await store
        .append(tenant, stream, [newEvent()], { expectedVersion })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConcurrencyError);
      expect(error).toMatchObject({
        expected: expectedVersion,
        actual: existing,
        code: EventStoreErrorCode.WrongExpectedVersion,
      });
      expect(await store.readStream(tenant, stream)).toHaveLength(existing);
    });

    it('rejects streamExists and exact versions on a missing stream', async () => {
      await expect(
        store.append(tenant, 'missing', [newEvent()], { expectedVersion: 'streamExists' }),
      ).rejects.toMatchObject({
        actual: 0,
      });
      await expect(
        store.append(tenant, 'missing', [newEvent()], { expectedVersion: 3 }),
      ).rejects.toBeInstanceOf(ConcurrencyError);
      expect(await store.readStream(tenant, 'missing')).toEqual([]);
    });

    it('treats expected version 0 as "no stream yet"', async () => {
      await store.append(tenant, 'zero', [newEvent()], { expectedVersion: 0 });
      await expect(
        store.append(tenant, 'zero', [newEvent()], { expectedVersion: 0 }),
      ).rejects.toBeInstanceOf(ConcurrencyError);
    });

    it('rejects malformed appends before touching the database', async () => {
      await expect(store.append(tenant, 's', [])).rejects.toMatchObject({
        code: EventStoreErrorCode.InvalidAppend,
      });
      await expect(store.append(tenant, '', [newEvent()])).rejects.toMatchObject({
        code: EventStoreErrorCode.InvalidAppend,
      });
      const twice = newEvent();
      await expect(store.append(tenant, 's', [twice, twice])).rejects.toMatchObject({
        code: EventStoreErrorCode.InvalidAppend,
      });
      await expect(
        store.append(tenant, 's', [newEvent()], { expectedVersion: -2 }),
      ).rejects.toBeInstanceOf(EventStoreError);
      await expect(store.append('not-a-uuid', 's', [newEvent()])).rejects.toThrow(/UUID/);
    });

    it('lets exactly one of 50 concurrent appends with the same expected version win, 100 rounds', async () => {
      const stream = `race-${randomUUID()}`;
      for (let round = 0; round < 100; round++) {
        const outcomes = await Promise.allSettled(
          Array.from({ length: 50 }, (_, i) =>
            store.append(tenant, stream, [newEvent('Raced', { round, i })], {
              expectedVersion: round === 0 ? 'noStream' : round,
            }),
          ),
        );
        const won = outcomes.filter((o) => o.status === 'fulfilled');
        const lost = outcomes.filter((o) => o.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(49);
        for (const loss of lost) expect(loss.reason).toBeInstanceOf(ConcurrencyError);
      }
      const versions = (await store.readStream(tenant, stream)).map((e) => e.streamVersion);
      expect(versions).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    });

    it('keeps versions gapless when concurrent writers all use expectedVersion any', async () => {
      const stream = `any-${randomUUID()}`;
      await Promise.all(
        Array.from({ length: 40 }, () => store.append(tenant, stream, [newEvent(), newEvent()])),
      );
      const versions = (await store.readStream(tenant, stream)).map((e) => e.streamVersion);
      expect(versions).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
    });
  });

  describe('idempotency', () => {
    it('answers a retried append with the first result and writes nothing twice', async () => {
      const events = [newEvent('A'), newEvent('B')];
      const first = await store.append(tenant, 'idem', events, { expectedVersion: 'noStream' });
      const retry = await store.append(tenant, 'idem', events, { expectedVersion: 'noStream' });
      expect(retry).toEqual({ ...first, replayed: true });
      expect(await store.readStream(tenant, 'idem')).toHaveLength(2);
    });

    it('answers concurrent retries of one append once each, with one copy stored', async () => {
      const events = [newEvent('A')];
      const results = await Promise.all(
        Array.from({ length: 10 }, () => store.append(tenant, 'idem-race', events)),
      );
      expect(results.filter((r) => !r.replayed)).toHaveLength(1);
      expect(new Set(results.map((r) => r.lastGlobalPosition)).size).toBe(1);
      expect(await store.readStream(tenant, 'idem-race')).toHaveLength(1);
      // The replays moved the stream's version nowhere: the next writer expects 1.
      await expect(
        store.append(tenant, 'idem-race', [newEvent('B')], { expectedVersion: 1 }),
      ).resolves.toMatchObject({ nextExpectedVersion: 2, replayed: false });
    });

    it('answers a retry with expectedVersion any as a replay and leaves the version alone', async () => {
      const events = [newEvent('A'), newEvent('B')];
      const first = await store.append(tenant, 'idem-any', events);
      expect(await store.append(tenant, 'idem-any', events)).toEqual({ ...first, replayed: true });
      expect(
        await store.append(tenant, 'idem-any', events, { expectedVersion: 'streamExists' }),
      ).toEqual({ ...first, replayed: true });
      const next = await store.append(tenant, 'idem-any', [newEvent('C')], { expectedVersion: 2 });
      expect(next).toMatchObject({ nextExpectedVersion: 3, replayed: false });
      expect((await store.readStream(tenant, 'idem-any')).map((e) => e.streamVersion)).toEqual([
        1, 2, 3,
      ]);
    });

    it('refuses event ids reused for different events', async () => {
      const reused = newEvent('A');
      await store.append(tenant, 'idem-a', [reused]);
      await expect(store.append(tenant, 'idem-b', [reused])).rejects.toMatchObject({
        code: EventStoreErrorCode.EventIdReused,
      });
      await expect(store.append(tenant, 'idem-a', [reused, newEvent()])).rejects.toMatchObject({
        code: EventStoreErrorCode.EventIdReused,
      });
      await expect(
        store.append(tenant, 'idem-a', [newEvent(), reused], { expectedVersion: 1 }),
      ).rejects.toMatchObject({ code: EventStoreErrorCode.EventIdReused });
      expect(await store.readStream(tenant, 'idem-b')).toEqual([]);
      expect(await store.readStream(tenant, 'idem-a')).toHaveLength(1);
    });
  });

  describe('reading', () => {
    it('upcasts old schema versions on read, chaining upcasters', async () => {
      const upcasters = new Upcasters()
        .register('Renamed', 1, (d) => ({ fullName: (d as { name: string }).name }))
        .register('Renamed', 2, (d) => ({ ...(d as object), locale: 'en' }));
      const upcasting = new EventStore(app, upcasters);
      await upcasting.append(tenant, 'up', [{ type: 'Renamed', data: { name: 'Ada' } }]);
      await upcasting.append(tenant, 'up', [
        { type: 'Renamed', schemaVersion: 3, data: { fullName: 'Bo', locale: 'fr' } },
      ]);
      const events = await upcasting.readStream(tenant, 'up');
      expect(events.map((e) => [e.schemaVersion, e.data])).toEqual([
        [3, { fullName: 'Ada', locale: 'en' }],
        [3, { fullName: 'Bo', locale: 'fr' }],
      ]);
      expect(() => upcasters.register('Renamed', 1, (d) => d)).toThrow(/already registered/);
    });

    it('keeps the same stream id in two tenants apart', async () => {
      const other = (await newTenant(db.worker.database)).tenantId;
      await store.append(tenant, 'shared-id', [newEvent('Mine')], { expectedVersion: 'noStream' });
      await store.append(other, 'shared-id', [newEvent('Theirs')], { expectedVersion: 'noStream' });
      expect((await store.readStream(tenant, 'shared-id')).map((e) => e.type)).toEqual(['Mine']);
      expect((await store.readStream(other, 'shared-id')).map((e) => e.type)).toEqual(['Theirs']);
      const page = await store.readTenant(other, START);
      expect(page.events.map((e) => e.type)).toEqual(['Theirs']);
    });

    it('pages through one tenant and through all tenants in commit order', async () => {
      const other = (await newTenant(db.worker.database)).tenantId;
      for (let i = 0; i < 5; i++) {
        await store.append(tenant, 'paged', [newEvent('Mine', { i })]);
        await store.append(other, 'paged', [newEvent('Theirs', { i })]);
      }
      const mine = [];
      for (let page = await store.readTenant(tenant, START, 2); page.events.length > 0;) {
        mine.push(...page.events);
        page = await store.readTenant(tenant, page.checkpoint, 2);
      }
      expect(
        mine.filter((e) => e.streamId === 'paged').map((e) => (e.data as { i: number }).i),
      ).toEqual([0, 1, 2, 3, 4]);

      const all = [];
      let checkpoint = START;
      for (;;) {
        const page = await new EventStore(db.worker.database).readAll(checkpoint, 3);
        if (page.events.length === 0) break;
        all.push(...page.events);
        checkpoint = page.checkpoint;
      }
      const keys = all.map((e) => [BigInt(e.transactionId), e.globalPosition] as const);
      const sorted = [...keys].sort((a, b) => (a[0] === b[0] ? a[1] - b[1] : a[0] < b[0] ? -1 : 1));
      expect(keys).toEqual(sorted);
      const ours = all.filter((e) => e.streamId === 'paged');
      expect(ours.map((e) => e.type)).toEqual([
        'Mine',
        'Theirs',
        'Mine',
        'Theirs',
        'Mine',
        'Theirs',
        'Mine',
        'Theirs',
        'Mine',
        'Theirs',
      ]);
    });
  });
});
