import { Client } from 'pg';
import { migrations } from '../../apps/api/src/database/migrations';
import {
  type ApiProcess,
  CREATE_COHORT,
  cohortInput,
  post,
  readiness,
  registerInstitution,
  startApi,
  until,
} from '../support/api-process';
import { createTestDatabase, type TestDatabase, testServerUrl } from '../support/test-database';

// The database goes away under load (every backend terminated, new connections refused) and
// comes back: the API says it is not ready meanwhile, then carries on by itself.
describe('database outage under load', () => {
  let db: TestDatabase;
  let api: ApiProcess;
  let admin: Client;

  beforeAll(async () => {
    db = await createTestDatabase(migrations);
    admin = new Client({ connectionString: testServerUrl()! });
    await admin.connect();
  });
  afterAll(async () => {
    api?.child.kill('SIGKILL');
    await admin.query(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS true`).catch(() => undefined);
    await admin.end();
    await db.close();
  });

  it('reports unready while the database is unreachable, then reconnects without help', async () => {
    const { adminToken } = await registerInstitution(db, 'outage');
    api = await startApi(db);

    let ok = 0;
    let failed = 0;
    const failureCodes = new Set<string>();
    let stop = false;
    const load = Array.from({ length: 4 }, async (_, writer) => {
      for (let i = 0; !stop; i++) {
        const { body } = await post(api, adminToken, CREATE_COHORT, cohortInput(`o${writer}-${i}`));
        if (body.data?.createCohort) ok++;
        else {
          failed++;
          failureCodes.add(body.errors?.[0]?.extensions?.code);
        }
      }
    });
    await until(async () => ok >= 20, 30_000);

    await admin.query(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS false`);
    await admin.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = $1 AND pid <> pg_backend_pid()`,
      [db.name],
    );
    await until(async () => (await readiness(api)) === 503, 30_000, api.output);
    await until(async () => failed > 0, 30_000);
    const okDuringOutage = ok;

    await admin.query(`ALTER DATABASE ${db.name} ALLOW_CONNECTIONS true`);
    await until(async () => (await readiness(api)) === 200, 60_000, api.output);
    await until(async () => ok >= okDuringOutage + 20, 30_000, api.output);
    stop = true;
    await Promise.all(load);

    expect(api.child.exitCode).toBeNull(); // the same process, still serving
    // Clients are told to come back, not that the server is broken.
    expect([...failureCodes]).toEqual(['SERVICE_UNAVAILABLE']);
    const { body } = await post(api, adminToken, '{ cohorts { id } }');
    expect(body.data.cohorts.length).toBeGreaterThanOrEqual(ok);
  });
});
