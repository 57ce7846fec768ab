import {
  type Database,
  EventStore,
  EventStore1764230400000,
  WorkerRole1764300000000,
  START,
  Tenants,
  type Tx,
} from '@rapport/event-store';
import { newEvent, newTenant } from '../support/builders';
import { createTestDatabase, onRealPostgres, type TestDatabase } from '../support/test-database';

describe('tenancy enforced by PostgreSQL', () => {
  let db: TestDatabase;
  let app: Database;
  let store: EventStore;
  let tenantA: string;
  let tenantB: string;

  beforeAll(async () => {
    db = await createTestDatabase([EventStore1764230400000, WorkerRole1764300000000]);
    app = db.app.database;
    store = new EventStore(app);
    tenantA = (await newTenant(db.worker.database)).tenantId;
    tenantB = (await newTenant(db.worker.database)).tenantId;
    await store.append(tenantA, 'same-id', [newEvent('OfA')]);
    await store.append(tenantB, 'same-id', [newEvent('OfB')]);
  });
  afterAll(() => db.close());

  const count = async (tx: Tx, table: string) =>
    (await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0].n;

  it('connects as a role that is not superuser, cannot bypass RLS and owns no table', async () => {
    const [role] = await app.withoutTenant((tx) =>
      tx.query<{ rolsuper: boolean; rolbypassrls: boolean; owned: number; name: string }>(
        `SELECT r.rolname AS name, r.rolsuper, r.rolbypassrls,
                (SELECT count(*)::int FROM pg_tables WHERE tableowner = current_user) AS owned
           FROM pg_roles r WHERE r.rolname = current_user`,
      ),
    );
    expect(role).toEqual({ name: 'rapport_app', rolsuper: false, rolbypassrls: false, owned: 0 });
  });

  it('shows no tenant rows to a transaction that set no tenant', async () => {
    const counts = await app.withoutTenant(async (tx) => ({
      events: await count(tx, 'events'),
      streams: await count(tx, 'streams'),
      tenants: await count(tx, 'tenants'),
    }));
    expect(counts).toEqual({ events: 0, streams: 0, tenants: 0 });
  });

  it('rejects inserts from a transaction that set no tenant, or for another tenant', async () => {
    const insert = `INSERT INTO streams (tenant_id, stream_id, version) VALUES ($1, 'forged', 1)`;
    await expect(app.withoutTenant((tx) => tx.query(insert, [tenantA]))).rejects.toThrow(
      /row-level security/,
    );
    await expect(app.withTenant(tenantA, (tx) => tx.query(insert, [tenantB]))).rejects.toThrow(
      /row-level security/,
    );
  });

  it('hides other tenants even when a query asks for them by id', async () => {
    const rows = await app.withTenant(tenantA, (tx) =>
      tx.query<{ type: string }>(`SELECT type FROM events WHERE tenant_id = $1`, [tenantB]),
    );
    expect(rows).toEqual([]);
    const page = await store.readTenant(tenantA, START);
    expect(page.events.map((e) => e.type)).toEqual(['OfA']);
  });

  it('does not leak the tenant of one transaction into the next on a pooled connection', async () => {
    for (let i = 0; i < 20; i++) {
      expect(await app.withTenant(tenantA, (tx) => count(tx, 'events'))).toBe(1);
      expect(await app.withoutTenant((tx) => count(tx, 'events'))).toBe(0);
    }
  });

  it('cannot disable or drop row-level security, nor rewrite history', async () => {
    await expect(
      app.withTenant(tenantA, (tx) => tx.query(`ALTER TABLE events DISABLE ROW LEVEL SECURITY`)),
    ).rejects.toThrow(/must be owner/);
    await expect(
      app.withTenant(tenantA, (tx) => tx.query(`ALTER TABLE events NO FORCE ROW LEVEL SECURITY`)),
    ).rejects.toThrow(/must be owner/);
    await expect(
      app.withTenant(tenantA, (tx) => tx.query(`DROP POLICY tenant_isolation ON events`)),
    ).rejects.toThrow(/must be owner/);
    await expect(
      app.withTenant(tenantA, (tx) => tx.query(`UPDATE events SET data = '{}'`)),
    ).rejects.toThrow(/permission denied/);
    await expect(app.withTenant(tenantA, (tx) => tx.query(`DELETE FROM events`))).rejects.toThrow(
      /permission denied/,
    );
  });

  // On PGlite the one session is a superuser that assumes rapport_app per transaction, so code
  // that deliberately switches role back could escape; the embedded mode is for development.
  (onRealPostgres ? it : () => undefined)('cannot assume the cross-tenant role', async () => {
    await expect(
      app.withTenant(tenantA, (tx) => tx.query(`SET LOCAL ROLE rapport_global`)),
    ).rejects.toThrow(/permission denied/);
  });

  it('forces RLS on the owner too: the owner role sees no tenant rows without a tenant', async () => {
    const owner = db.owner.database;
    expect(await owner.withoutTenant((tx) => count(tx, 'events'))).toBe(0);
    expect(await owner.withTenant(tenantB, (tx) => count(tx, 'events'))).toBe(1);
  });

  it('crosses tenants only through the narrow global functions, as the worker role', async () => {
    await expect(store.readAll(START)).rejects.toThrow(/permission denied for function/);
    const page = await new EventStore(db.worker.database).readAll(START);
    expect(new Set(page.events.map((e) => e.tenantId))).toEqual(new Set([tenantA, tenantB]));
    await expect(
      app.withoutTenant((tx) =>
        tx.query(
          `INSERT INTO tenants (tenant_id, slug, name) VALUES (gen_random_uuid(), 'x-y', 'X')`,
        ),
      ),
    ).rejects.toThrow(/permission denied|row-level security/);
  });

  it('creates institutions through the registry with clear errors for bad input', async () => {
    await expect(
      new Tenants(app).create({ slug: 'from-api', name: 'From a request' }),
    ).rejects.toThrow(/permission denied for function rapport_create_tenant/);
    const tenants = new Tenants(db.worker.database);
    const created = await tenants.create({ slug: 'state-u', name: 'State University' });
    expect(await tenants.findBySlug('state-u')).toEqual(created);
    await expect(tenants.create({ slug: 'state-u', name: 'Again' })).rejects.toThrow(
      /already exists/,
    );
    await expect(tenants.create({ slug: 'Bad Slug!', name: 'X' })).rejects.toThrow(/slug must be/);
    await expect(tenants.create({ slug: 'ok-slug', name: '   ' })).rejects.toThrow(/name must be/);
    expect(await app.withTenant(created.tenantId, (tx) => count(tx, 'tenants'))).toBe(1);
  });
});
