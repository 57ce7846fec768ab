import {
  type Database,
  EventStore1764230400000,
  insertValues,
  WorkerRole1764300000000,
} from '@rapport/event-store';
import { newTenant } from '../support/builders';
import { createTestDatabase, onRealPostgres, type TestDatabase } from '../support/test-database';

describe('insertValues', () => {
  let db: TestDatabase;
  let app: Database;
  let tenant: string;

  beforeAll(async () => {
    db = await createTestDatabase([EventStore1764230400000, WorkerRole1764300000000]);
    app = db.app.database;
    await db.owner.database.withoutTenant(async (tx) => {
      await tx.query(`CREATE TABLE docs (tenant_id uuid NOT NULL, id text NOT NULL, at timestamptz,
                        doc jsonb NOT NULL, PRIMARY KEY (tenant_id, id))`);
      await tx.query(`SELECT rapport_secure_tenant_table('docs')`);
    });
    tenant = (await newTenant(db.worker.database)).tenantId;
  });
  afterAll(() => db.close());

  const spec = {
    table: 'docs',
    columns: [
      ['id', 'text'],
      ['at', 'timestamptz'],
      ['doc', 'jsonb'],
    ] as const,
    onConflict: 'ON CONFLICT (tenant_id, id) DO UPDATE SET doc = EXCLUDED.doc',
  };

  it('writes every row under the tenant, documents and quotes intact, NULLs as NULL', async () => {
    const tricky = { say: 'it\'s "quoted", back\\slashed, {braced}, comma,', n: [1, null] };
    await app.withTenant(tenant, (tx) =>
      insertValues(tx, spec, [
        ['a', '2026-09-07T10:00:00.000Z', JSON.stringify(tricky)],
        ['b', null, '{}'],
      ]),
    );
    const rows = await app.withTenant(tenant, (tx) =>
      tx.query<{ tenant_id: string; id: string; at: Date | null; doc: unknown }>(
        `SELECT tenant_id, id, at, doc FROM docs WHERE id IN ('a', 'b') ORDER BY id`,
      ),
    );
    expect(rows).toEqual([
      { tenant_id: tenant, id: 'a', at: new Date('2026-09-07T10:00:00.000Z'), doc: tricky },
      { tenant_id: tenant, id: 'b', at: null, doc: {} },
    ]);
  });

  it('sends 100 rows a statement, the full ones under one name the server plans once', async () => {
    const rows = Array.from({ length: 250 }, (_, i) => [`bulk-${i}`, null, `{"i":${i}}`]);
    const before = app.statements;
    const prepared = await app.withTenant(tenant, async (tx) => {
      await insertValues(tx, spec, rows);
      return tx.query<{ runs: number }>(
        `SELECT (generic_plans + custom_plans)::int AS runs FROM pg_prepared_statements
          WHERE statement LIKE 'INSERT INTO docs %'`,
      );
    });
    expect(app.statements - before).toBe(2 + 3 + 1); // BEGIN/COMMIT, 100 + 100 + 50, the check
    // The embedded database runs every statement unnamed.
    expect(prepared).toEqual(onRealPostgres ? [{ runs: 2 }] : []);
    const [count] = await app.withTenant(tenant, (tx) =>
      tx.query<{ n: number; total: number }>(
        `SELECT count(*)::int AS n, sum((doc->>'i')::int)::int AS total FROM docs WHERE id LIKE 'bulk-%'`,
      ),
    );
    expect(count).toEqual({ n: 250, total: (249 * 250) / 2 });
  });

  it('keeps each statement to about 8 MB of values however few rows that is', async () => {
    const big = JSON.stringify({ text: 'x'.repeat(3_000_000) });
    const rows = Array.from({ length: 5 }, (_, i) => [`big-${i}`, null, big]);
    const before = app.statements;
    await app.withTenant(tenant, (tx) => insertValues(tx, spec, rows));
    expect(app.statements - before).toBe(2 + 2); // rows 1-3, then 4-5
    const [count] = await app.withTenant(tenant, (tx) =>
      tx.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM docs WHERE id LIKE 'big-%' AND length(doc->>'text') = 3000000`,
      ),
    );
    expect(count.n).toBe(5);
  });

  it('sends nothing for no rows', async () => {
    const before = app.statements;
    await app.withTenant(tenant, (tx) => insertValues(tx, spec, []));
    expect(app.statements - before).toBe(2); // BEGIN and COMMIT only
  });

  it('refuses more than 300 columns (100 rows must stay under the protocol limit)', async () => {
    const wide = {
      table: 'docs',
      columns: Array.from({ length: 301 }, (_, i) => [`c${i}`, 'text'] as const),
    };
    const before = app.statements;
    await expect(app.withTenant(tenant, (tx) => insertValues(tx, wide, []))).rejects.toThrow(
      'insertValues: docs has 301 columns, at most 300',
    );
    expect(app.statements - before).toBe(2); // BEGIN and ROLLBACK only
  });

  it('refuses a row of the wrong width before sending anything', async () => {
    const before = app.statements;
    await expect(
      app.withTenant(tenant, (tx) => insertValues(tx, spec, [['short', null]])),
    ).rejects.toThrow('insertValues: docs takes 3 values, got 2');
    expect(app.statements - before).toBe(2); // BEGIN and ROLLBACK only
  });
});
