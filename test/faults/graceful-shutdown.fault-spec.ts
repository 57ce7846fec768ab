import { Client } from 'pg';
import { migrations } from '../../apps/api/src/database/migrations';
import {
  type ApiProcess,
  CREATE_COHORT,
  cohortInput,
  post,
  registerInstitution,
  startApi,
  until,
} from '../support/api-process';
import {
  createTestDatabase,
  databaseUrl,
  type TestDatabase,
  testServerUrl,
} from '../support/test-database';

const UPDATE = `mutation($input: UpdateCohortInput!) { updateCohort(input: $input) { cohort { name version } } }`;

// SIGTERM while a write is in flight: no new connections, the write finishes, the pool closes.
describe('graceful shutdown', () => {
  let db: TestDatabase;
  let api: ApiProcess;
  let locker: Client;

  beforeAll(async () => {
    db = await createTestDatabase(migrations);
    locker = new Client({ connectionString: databaseUrl(testServerUrl()!, db.name) });
    await locker.connect();
  });
  afterAll(async () => {
    api?.child.kill('SIGKILL');
    await locker.end();
    await db.close();
  });

  /** An update of a fresh cohort, left waiting inside the database on its stream row. */
  async function appendWaitingOnALock(slug: string, env: Record<string, string> = {}) {
    const { tenantId, adminToken } = await registerInstitution(db, slug);
    api = await startApi(db, env);
    const created = await post(api, adminToken, CREATE_COHORT, cohortInput('to-rename'));
    const cohortId: string = created.body.data.createCohort.cohort.id;
    const streamId = `cohort-${cohortId}`;

    await locker.query('BEGIN');
    await locker.query(`SELECT 1 FROM streams WHERE tenant_id = $1 AND stream_id = $2 FOR UPDATE`, [
      tenantId,
      streamId,
    ]);
    const inFlight = post(api, adminToken, UPDATE, {
      input: { cohortId, name: 'Renamed while stopping' },
    });
    await until(async () => {
      const { rows } = await locker.query(
        `SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'`,
        [db.name],
      );
      return rows.length > 0;
    }, 30_000);
    return { tenantId, streamId, inFlight };
  }

  it('stops accepting requests, finishes the in-flight append, and exits 0', async () => {
    const { tenantId, streamId, inFlight } = await appendWaitingOnALock('shutdown');
    api.child.kill('SIGTERM');
    // The listening socket closes at once: new requests are refused...
    await until(
      () =>
        fetch(`${api.url}/health/live`).then(
          () => false,
          () => true,
        ),
      30_000,
      api.output,
    );
    // ...while the one already inside finishes once the row is free.
    await locker.query('COMMIT');
    const finished = await inFlight;
    expect(finished.status).toBe(200);
    expect(finished.body.data.updateCohort.cohort).toEqual({
      name: 'Renamed while stopping',
      version: 2,
    });
    // Exit 0 comes only after Nest's shutdown hooks ran: runner stopped, pool closed.
    expect(await api.exited).toEqual({ code: 0, signal: null });

    const events = await locker.query(
      `SELECT type FROM events WHERE tenant_id = $1 AND stream_id = $2 ORDER BY stream_version`,
      [tenantId, streamId],
    );
    expect(events.rows.map((r) => r.type)).toEqual(['CohortCreated', 'CohortUpdated']);
  });

  it('gives up after SHUTDOWN_TIMEOUT_MS when a request never finishes, and exits 1', async () => {
    const { inFlight } = await appendWaitingOnALock('stuck', { SHUTDOWN_TIMEOUT_MS: '300' });
    api.child.kill('SIGTERM');
    expect(await api.exited).toEqual({ code: 1, signal: null });
    await expect(inFlight).rejects.toThrow(); // the connection went with the process
    await locker.query('ROLLBACK');
  });
});
