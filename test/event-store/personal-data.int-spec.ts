import {
  DataKeys1764700000000,
  type Database,
  EventStore,
  EventStore1764230400000,
  EventStoreError,
  KeyRing,
  LeanAppend1764230950000,
  LocalKeyEncryptionKey,
  openDatabase,
  type PersonalDataPolicy,
  type ReadPage,
  type Row,
  sealPlaintextEvents,
  START,
  type Tx,
  WorkerRole1764300000000,
} from '@rapport/event-store';
import { randomUUID } from 'node:crypto';
import { newTenant } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const SECRET = 'personal-data-int-spec-secret-0123456789';
const MIGRATIONS = [
  EventStore1764230400000,
  LeanAppend1764230950000,
  WorkerRole1764300000000,
  DataKeys1764700000000,
];
const policy: PersonalDataPolicy = {
  ownerOf: (_type, data) => (data as { studentId?: string }).studentId ?? null,
  erased: () => ({ name: 'Erased student', email: '' }),
};

/** An event with a personal part that belongs to `studentId`. */
function enrolled(studentId: string, name: string) {
  return {
    eventId: randomUUID(),
    type: 'StudentEnrolled',
    data: { studentId, cohortId: 'c1', personal: { name, email: `${name}@example.edu` } },
  };
}

/** Counts the statements that read data keys, for a transaction handed to a read. */
function counting(tx: Tx, seen: { keyQueries: number }): Tx {
  return {
    get tenantId() {
      return tx.tenantId;
    },
    query<T = Row>(sql: string, params?: unknown[], name?: string) {
      if (sql.includes('FROM data_keys')) seen.keyQueries++;
      return tx.query<T>(sql, params, name);
    },
    execute: (sql, params) => tx.execute(sql, params),
    setTenant: (id) => tx.setTenant(id),
  };
}

/**
 * Commit-safe reads hold back events while any transaction on the server is open (other suites
 * share it): read again until the event is past the fence.
 */
async function pastTheFence(
  read: () => Promise<ReadPage>,
  found: (page: ReadPage) => unknown,
): Promise<ReadPage> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const page = await read();
    if (found(page) || Date.now() > deadline) return page;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('personal data sealed with per-person data keys', () => {
  let db: TestDatabase;
  let app: Database;
  let ring: KeyRing;
  let store: EventStore;
  let tenantA: string;
  let tenantB: string;

  const ringOf = () => new KeyRing(new LocalKeyEncryptionKey(SECRET));
  const storeOf = (database: Database, keys: KeyRing) =>
    new EventStore(database, undefined, { policy, keys });

  beforeAll(async () => {
    db = await createTestDatabase(MIGRATIONS);
    app = db.app.database;
    ring = ringOf();
    store = storeOf(app, ring);
    tenantA = (await newTenant(db.worker.database)).tenantId;
    tenantB = (await newTenant(db.worker.database)).tenantId;
  });
  afterAll(async () => {
    await ring.close();
    await db.close();
  });

  const rawData = (tenant: string, streamId: string) =>
    db.owner.database.withTenant(tenant, (tx) =>
      tx.query<{ data: string }>(
        `SELECT data::text AS data FROM events WHERE stream_id = $1 ORDER BY stream_version`,
        [streamId],
      ),
    );

  it('stores no plaintext in events.data and reads it back on every path', async () => {
    const student = randomUUID();
    await store.append(tenantA, `student-${student}`, [enrolled(student, 'Grace Hopper')]);
    const [raw] = await rawData(tenantA, `student-${student}`);
    expect(raw.data).not.toMatch(/Grace|Hopper|example\.edu/);
    expect(JSON.parse(raw.data).personal).toMatch(new RegExp(`^v1\\.${student}\\.`));

    const [read] = await store.readStream(tenantA, `student-${student}`);
    expect(read.data).toMatchObject({ personal: { name: 'Grace Hopper' } });
    const mine = (page: ReadPage) => page.events.find((e) => e.streamId === `student-${student}`);
    const page = await pastTheFence(() => store.readTenant(tenantA, START), mine);
    expect(mine(page)?.data).toMatchObject({ personal: { name: 'Grace Hopper' } });
    // The worker reads across tenants; a fresh ring must load the keys under RLS itself.
    const worker = storeOf(db.worker.database, ringOf());
    const all = await pastTheFence(() => worker.readAll(START), mine);
    expect(mine(all)?.data).toMatchObject({
      personal: { name: 'Grace Hopper' },
    });
    // An append inside a caller's transaction seals too.
    await app.withTenant(tenantA, (tx) =>
      store.append(tenantA, `student-${student}`, [enrolled(student, 'Grace B. Hopper')], { tx }),
    );
    expect((await rawData(tenantA, `student-${student}`))[1].data).not.toMatch(/Grace/);
  });

  it('gives inline projections plaintext on the server fast path and inside a transaction', async () => {
    const seen: unknown[] = [];
    const inlineStore = storeOf(app, ringOf());
    inlineStore.addInlineProjection({
      name: 'sees-personal',
      mode: 'inline',
      tables: [],
      eventTypes: ['StudentEnrolled'],
      apply: (events) => {
        seen.push(...events.map((e) => (e.data as { personal: unknown }).personal));
        return Promise.resolve();
      },
    });
    const student = randomUUID();
    await inlineStore.append(tenantA, `student-${student}`, [enrolled(student, 'Ida Rhodes')]);
    await app.withTenant(tenantA, (tx) =>
      inlineStore.append(tenantA, `student-${student}`, [enrolled(student, 'Ida R.')], { tx }),
    );
    expect(seen).toEqual([
      { name: 'Ida Rhodes', email: 'Ida Rhodes@example.edu' },
      { name: 'Ida R.', email: 'Ida R.@example.edu' },
    ]);
    expect((await rawData(tenantA, `student-${student}`)).map((r) => r.data).join()).not.toMatch(
      /Ida/,
    );
  });

  it('loads the keys of a cross-tenant page with one query per tenant, none once cached', async () => {
    for (const tenant of [tenantA, tenantB])
      for (let i = 0; i < 3; i++) {
        const student = randomUUID();
        await store.append(tenant, `student-${student}`, [enrolled(student, `Person ${i}`)]);
      }
    // The commit fence holds back events while any transaction on the server is open: retry
    // with a fresh ring (an empty cache) until the page holds both tenants' events.
    let worker: EventStore;
    let seen: { keyQueries: number };
    const deadline = Date.now() + 30_000;
    for (;;) {
      worker = storeOf(db.worker.database, ringOf());
      seen = { keyQueries: 0 };
      const first = await db.worker.database.withoutTenant((tx) =>
        worker.readAll(START, 1000, counting(tx, seen)),
      );
      if (new Set(first.events.map((e) => e.tenantId)).size === 2) break;
      if (Date.now() > deadline) throw new Error('the fence never let both tenants through');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(seen.keyQueries).toBe(2);
    await db.worker.database.withoutTenant((tx) => worker.readAll(START, 1000, counting(tx, seen)));
    expect(seen.keyQueries).toBe(2);
  });

  it("keeps each tenant's keys under RLS, and the application can never delete one", async () => {
    const student = randomUUID();
    await store.append(tenantB, `student-${student}`, [enrolled(student, 'Only B')]);
    const visible = await app.withTenant(tenantA, (tx) =>
      tx.query<{ tenant_id: string }>(`SELECT tenant_id FROM data_keys`),
    );
    expect(visible.length).toBeGreaterThan(0);
    expect(visible.every((k) => k.tenant_id === tenantA)).toBe(true);
    expect(
      await app.withTenant(tenantA, (tx) =>
        tx.query(`SELECT 1 FROM data_keys WHERE owner_id = $1`, [student]),
      ),
    ).toEqual([]);
    await expect(
      app.withTenant(tenantA, (tx) =>
        tx.query(
          `INSERT INTO data_keys (tenant_id, owner_id, wrapped_key, kek_id) VALUES ($1, 'x', '\\x00', 'k')`,
          [tenantB],
        ),
      ),
    ).rejects.toThrow(/row-level security/);
    await expect(
      app.withTenant(tenantB, (tx) =>
        tx.query(`DELETE FROM data_keys WHERE owner_id = $1`, [student]),
      ),
    ).rejects.toThrow(/permission denied/);
  });

  it('gives two processes racing for a new person the same key', async () => {
    const student = randomUUID();
    const [one, two] = [ringOf(), ringOf()];
    const keys = await Promise.all(
      [one, two].map((r) => app.withTenant(tenantA, (tx) => r.sealingKey(tx, student))),
    );
    expect(keys[0].equals(keys[1])).toBe(true);
    await Promise.all([one.close(), two.close()]);
  });

  it('reads an erased person as erased, and never seals for them again', async () => {
    const student = randomUUID();
    await store.append(tenantA, `student-${student}`, [enrolled(student, 'Alan Turing')]);
    await app.withTenant(tenantA, (tx) => ring.destroy(tx, student));
    expect(await app.withTenant(tenantA, (tx) => ring.isDestroyed(tx, student))).toBe(true);
    const [read] = await store.readStream(tenantA, `student-${student}`);
    expect(read.data).toEqual({
      studentId: student,
      cohortId: 'c1',
      personal: { name: 'Erased student', email: '' },
    });
    const [key] = await app.withTenant(tenantA, (tx) =>
      tx.query<{ wrapped_key: Buffer | null; destroyed_at: Date | null }>(
        `SELECT wrapped_key, destroyed_at FROM data_keys WHERE owner_id = $1`,
        [student],
      ),
    );
    expect(key.wrapped_key).toBeNull();
    expect(key.destroyed_at).not.toBeNull();
    // Also through a ring that never saw the key (another process, after a restart).
    const fresh = ringOf();
    const error = await storeOf(app, fresh)
      .append(tenantA, `student-${student}`, [enrolled(student, 'Alan Turing')])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventStoreError);
    expect((error as EventStoreError).code).toBe('PERSON_ERASED');
    expect((error as Error).message).not.toMatch(/Alan|Turing/);
    await fresh.close();
  });

  it('drops a destroyed key from another process at once, without waiting for the cache to expire', async () => {
    // Two independent rings, each with its own connections, as two API processes have.
    const [handleOne, handleTwo] = [await db.app.as('app'), await db.app.as('app')];
    const one = new KeyRing(new LocalKeyEncryptionKey(SECRET), { cacheMs: 3_600_000 });
    const two = new KeyRing(new LocalKeyEncryptionKey(SECRET), { cacheMs: 3_600_000 });
    await one.listen(handleOne.database);
    await two.listen(handleTwo.database);
    try {
      const student = randomUUID();
      const storeTwo = storeOf(handleTwo.database, two);
      await storeOf(handleOne.database, one).append(tenantA, `student-${student}`, [
        enrolled(student, 'Katherine Johnson'),
      ]);
      expect((await storeTwo.readStream(tenantA, `student-${student}`))[0].data).toMatchObject({
        personal: { name: 'Katherine Johnson' },
      });
      expect(two.cached(tenantA, student)).toBeInstanceOf(Buffer);
      const dropped = new Promise<string>((resolve) =>
        two.onDropped((tenant, owner) => {
          if (owner === student) resolve(`${tenant}:${owner}`);
        }),
      );
      await handleOne.database.withTenant(tenantA, (tx) => one.destroy(tx, student));
      expect(await dropped).toBe(`${tenantA}:${student}`);
      expect(two.cached(tenantA, student)).toBeUndefined();
      expect((await storeTwo.readStream(tenantA, `student-${student}`))[0].data).toMatchObject({
        personal: { name: 'Erased student' },
      });
    } finally {
      await Promise.all([one.close(), two.close()]);
      await Promise.all([handleOne.close(), handleTwo.close()]);
    }
  });

  it('runs the post-migration step as the owner role, where sealing in place happens', async () => {
    let role: string | null = null;
    const handle = await openDatabase(db.config, {
      role: 'app',
      migrate: MIGRATIONS,
      afterMigrate: async (owner) => {
        [{ role }] = await owner.withoutTenant((tx) =>
          tx.query<{ role: string }>(`SELECT current_user AS role`),
        );
      },
    });
    await handle.close();
    expect(role).toBe('rapport_owner');
  });

  it('seals personal data written before sealing, in place, once', async () => {
    const plain = new EventStore(app);
    const student = randomUUID();
    const erased = randomUUID();
    await plain.append(tenantB, `student-${student}`, [enrolled(student, 'Mary Jackson')]);
    await plain.append(tenantB, `student-${erased}`, [enrolled(erased, 'Dorothy Vaughan')]);
    await app.withTenant(tenantB, (tx) => ring.destroy(tx, erased));
    // Not personal by the policy (no owner): left as it is.
    await plain.append(tenantB, 'other', [
      { type: 'Ownerless', data: { personal: { note: 'kept' } } },
    ]);

    const keys = ringOf();
    expect(await sealPlaintextEvents(db.owner.database, keys, policy)).toBe(2);
    const dump = await db.owner.database.withTenant(tenantB, (tx) =>
      tx.query<{ data: string }>(`SELECT data::text AS data FROM events`),
    );
    const text = dump.map((r) => r.data).join('\n');
    expect(text).not.toMatch(/Mary|Jackson|Dorothy|Vaughan/);
    expect((await store.readStream(tenantB, `student-${student}`))[0].data).toMatchObject({
      personal: { name: 'Mary Jackson', email: 'Mary Jackson@example.edu' },
    });
    expect((await store.readStream(tenantB, `student-${erased}`))[0].data).toMatchObject({
      personal: { name: 'Erased student' },
    });
    expect(await sealPlaintextEvents(db.owner.database, keys, policy)).toBe(0);
    await keys.close();
  });
});
