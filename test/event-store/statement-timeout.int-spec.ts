import { EventStore1764230400000, WorkerRole1764300000000 } from '@rapport/event-store';
import { createTestDatabase, onRealPostgres, type TestDatabase } from '../support/test-database';

// DATABASE_STATEMENT_TIMEOUT_MS: a runaway API query is cancelled by PostgreSQL itself.
// PGlite cannot cancel a running statement (no timers in its WebAssembly build), so the
// cancelling cases exist on the server only.
describe('statement timeout of the application role', () => {
  const onServerIt = onRealPostgres ? it : () => undefined;
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase([EventStore1764230400000, WorkerRole1764300000000], {
      statementTimeoutMs: 100,
    });
  });
  afterAll(() => db.close());

  const cancelled = expect.objectContaining({
    driverError: expect.objectContaining({ code: '57014' }),
  });

  onServerIt('cancels a statement inside a transaction', async () => {
    await expect(
      db.app.database.withoutTenant((tx) => tx.query('SELECT pg_sleep(5)')),
    ).rejects.toEqual(cancelled);
  });

  onServerIt('cancels a single-statement call (the append path)', async () => {
    await expect(db.app.database.statement('SELECT pg_sleep(5)', [])).rejects.toEqual(cancelled);
  });

  onServerIt('leaves the pool usable afterwards', async () => {
    await expect(db.app.database.statement('SELECT pg_sleep(5)', [])).rejects.toEqual(cancelled);
    const rows = await db.app.database.withoutTenant((tx) =>
      tx.query<{ one: number }>('SELECT 1 AS one'),
    );
    expect(rows).toEqual([{ one: 1 }]);
  });

  it('does not limit the owner role (migrations, rebuilds)', async () => {
    const rows = await db.owner.database.withoutTenant((tx) =>
      tx.query<{ done: number }>('SELECT 1 AS done FROM pg_sleep(0.3)'),
    );
    expect(rows).toEqual([{ done: 1 }]);
  });

  onServerIt('also ends transactions left idle, which would hold back the xid8 fence', async () => {
    const setting = (handle: typeof db.app) =>
      handle.database.withoutTenant((tx) =>
        tx.query<{ idle_in_transaction_session_timeout: string }>(
          'SHOW idle_in_transaction_session_timeout',
        ),
      );
    expect(await setting(db.app)).toEqual([{ idle_in_transaction_session_timeout: '1min' }]);
    expect(await setting(db.owner)).toEqual([{ idle_in_transaction_session_timeout: '0' }]);
  });
});
