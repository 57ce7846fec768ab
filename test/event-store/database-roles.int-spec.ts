import {
  assertFencedRole,
  type Database,
  EventStore,
  START,
  Tenants,
  type Tx,
} from '@rapport/event-store';
import { randomUUID } from 'node:crypto';
import { migrations } from '../../apps/api/src/database/migrations';
import { newEvent } from '../support/builders';
import { createTestDatabase, onRealPostgres, type TestDatabase } from '../support/test-database';

/** Tables with no tenant column: global by nature, and free of tenant data. */
const GLOBAL_TABLES = ['migrations', 'projection_checkpoints'];

/** Functions that must cross tenants, so only the worker (and the owner) may call them. */
const CROSS_TENANT_CALLS: Record<string, string> = {
  rapport_read_all_events: `SELECT * FROM rapport_read_all_events('0', 0, 100)`,
  rapport_read_all_committed_events: `SELECT * FROM rapport_read_all_committed_events('0', 0, 100)`,
  rapport_events_after: `SELECT * FROM rapport_events_after('0', 0)`,
  rapport_claim_outbox: `SELECT * FROM rapport_claim_outbox(100, 60)`,
  rapport_find_tenants: `SELECT * FROM rapport_find_tenants(NULL)`,
  rapport_create_tenant: `SELECT rapport_create_tenant(gen_random_uuid(), 'forged-x', 'Forged')`,
  rapport_identity_providers: `SELECT * FROM rapport_identity_providers()`,
  rapport_secure_tenant_table: `SELECT rapport_secure_tenant_table('events')`,
};

/**
 * How to call each function rapport_app may execute, with the tenant set to A. A function
 * added later without a probe here fails the test until someone shows it stays in its tenant.
 */
const PROBES: Record<string, (tenantA: string) => [string, unknown[]]> = {
  rapport_append_events: (tenantA) => [
    `SELECT * FROM rapport_append_events($1, 'probe', 'any', $2)`,
    [tenantA, JSON.stringify([{ event_id: randomUUID(), type: 'Probe', data: {} }])],
  ],
  // Every stream named, B's included: only A's rows come back.
  rapport_load_states: (tenantA) => [
    `SELECT * FROM rapport_load_states($1, ARRAY(SELECT stream_id FROM streams))`,
    [tenantA],
  ],
  rapport_append_with_state: (tenantA) => [
    `SELECT * FROM rapport_append_with_state($1, 'probe-state', 'any', $2,
       (SELECT json_agg(json_build_object('stream', stream_id, 'version', version))::jsonb FROM streams),
       'contact', 'probe', NULL, NULL, '{}', NULL)`,
    [tenantA, JSON.stringify([{ event_id: randomUUID(), type: 'Probe', data: {} }])],
  ],
  rapport_dashboard_fingerprint: (tenantA) => [
    `SELECT * FROM rapport_dashboard_fingerprint($1, 'probe', 'cohort-probe', 'probe')`,
    [tenantA],
  ],
};

describe('database roles: the API role reaches one tenant at a time (docs/adr/0011)', () => {
  let db: TestDatabase;
  let app: Database;
  let worker: Database;
  let tenantA: string;
  let tenantB: string;

  beforeAll(async () => {
    db = await createTestDatabase(migrations);
    app = db.app.database;
    worker = db.worker.database;
    const tenants = new Tenants(worker);
    tenantA = (await tenants.create({ slug: `a-${randomUUID().slice(0, 8)}`, name: 'A' })).tenantId;
    tenantB = (await tenants.create({ slug: `b-${randomUUID().slice(0, 8)}`, name: 'B' })).tenantId;
    const store = new EventStore(app);
    for (const [tenant, type] of [
      [tenantA, 'OfA'],
      [tenantB, 'OfB'],
    ]) {
      await store.append(tenant, `stream-${type}`, [newEvent(type)]);
      await app.withTenant(tenant, (tx) =>
        tx.query(
          `INSERT INTO outbox (tenant_id, message_id, recipient_kind, recipient_id, week, to_address, subject, html, text)
           VALUES ($1, gen_random_uuid(), 'student', 's1', '2026-W01', $2, 's', 'h', 't')`,
          [tenant, `${type}@example.org`],
        ),
      );
    }
  });
  afterAll(() => db.close());

  const executable = (tx: Tx) =>
    tx.query<{ name: string; definer: boolean; signature: string }>(
      `SELECT p.proname AS name, p.prosecdef AS definer, p.oid::regprocedure::text AS signature
         FROM pg_proc p
        WHERE p.pronamespace = 'public'::regnamespace
          AND has_function_privilege(p.oid, 'EXECUTE')
        ORDER BY 1`,
    );

  it('denies rapport_app every function that crosses tenants', async () => {
    for (const [name, call] of Object.entries(CROSS_TENANT_CALLS)) {
      await expect(app.withTenant(tenantA, (tx) => tx.query(call))).rejects.toThrow(
        new RegExp(`permission denied for function ${name}`),
      );
      await expect(app.withoutTenant((tx) => tx.query(call))).rejects.toThrow(/permission denied/);
    }
  });

  it('lets rapport_app execute only functions that stay within the tenant it set', async () => {
    const functions = await app.withoutTenant(executable);
    // A SECURITY DEFINER function runs with its owner's rights, the one way past RLS.
    expect(functions.filter((f) => f.definer).map((f) => f.signature)).toEqual([]);
    const unprobed = functions.filter((f) => !PROBES[f.name]).map((f) => f.signature);
    expect(unprobed).toEqual([]);
    for (const f of functions) {
      const [sql, params] = PROBES[f.name](tenantA);
      const rows = await app.withTenant(tenantA, (tx) => tx.query(sql, params));
      const text = JSON.stringify(rows);
      expect(text).not.toContain(tenantB);
      expect(text).not.toContain('OfB');
    }
  });

  it('shows rapport_app no tenant row in any table before a tenant is set, and only its own after', async () => {
    const tables = await app.withoutTenant((tx) =>
      tx.query<{ name: string; tenanted: boolean }>(
        `SELECT c.relname AS name,
                EXISTS (SELECT 1 FROM pg_attribute a
                         WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped) AS tenanted
           FROM pg_class c
          WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
            AND has_table_privilege(c.oid, 'SELECT')
          ORDER BY 1`,
      ),
    );
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['events', 'outbox']));
    expect(tables.filter((t) => !t.tenanted).map((t) => t.name)).toEqual(GLOBAL_TABLES);
    for (const { name } of tables.filter((t) => t.tenanted)) {
      const unset = await app.withoutTenant((tx) =>
        tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${name}`),
      );
      expect({ name, rows: unset[0].n }).toEqual({ name, rows: 0 });
      const others = await app.withTenant(tenantA, (tx) =>
        tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${name} WHERE tenant_id <> $1`, [
          tx.tenantId,
        ]),
      );
      expect({ name, others: others[0].n }).toEqual({ name, others: 0 });
    }
    const own = await app.withTenant(tenantA, (tx) =>
      tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM outbox`),
    );
    expect(own[0].n).toBe(1);
  });

  it('gives the worker the cross-tenant functions, and RLS still fences what it reads and writes', async () => {
    const page = await new EventStore(worker).readAll(START);
    expect(new Set(page.events.map((e) => e.tenantId))).toEqual(new Set([tenantA, tenantB]));
    const claimed = await worker.withoutTenant((tx) =>
      tx.query<{ tenant_id: string }>(`SELECT * FROM rapport_claim_outbox(100, 60)`),
    );
    expect(new Set(claimed.map((c) => c.tenant_id))).toEqual(new Set([tenantA, tenantB]));
    expect(await worker.withoutTenant((tx) => tx.query(`SELECT tenant_id FROM events`))).toEqual(
      [],
    );
    await expect(
      worker.withTenant(tenantA, (tx) =>
        tx.query(`INSERT INTO streams (tenant_id, stream_id, version) VALUES ($1, 'x', 1)`, [
          tenantB,
        ]),
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it('accepts the app and worker connections at start-up and refuses the owner', async () => {
    await assertFencedRole(app, { kind: 'app', setting: 'DATABASE_URL' });
    await assertFencedRole(worker, { kind: 'worker', setting: 'DATABASE_WORKER_URL' });
    await expect(
      assertFencedRole(db.owner.database, { kind: 'app', setting: 'DATABASE_URL' }),
    ).rejects.toThrow(
      /refusing to start: DATABASE_URL connects as role "rapport_owner".*it owns .*can act as rapport_global/,
    );
    // The worker's connection must never serve requests.
    await expect(
      assertFencedRole(worker, { kind: 'app', setting: 'DATABASE_URL' }),
    ).rejects.toThrow(/DATABASE_URL connects as role "rapport_worker".*it is rapport_worker/);
  });

  (onRealPostgres ? it : () => undefined)(
    'keeps rapport_app from assuming the worker, owner or global role',
    async () => {
      for (const role of ['rapport_worker', 'rapport_owner', 'rapport_global']) {
        await expect(
          app.withTenant(tenantA, (tx) => tx.query(`SET LOCAL ROLE ${role}`)),
        ).rejects.toThrow(/permission denied/);
      }
    },
  );
});
