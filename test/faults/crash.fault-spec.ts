import { migrations } from '../../apps/api/src/database/migrations';
import {
  type ApiProcess,
  CREATE_COHORT,
  cohortInput,
  post,
  registerInstitution,
  runCli,
  startApi,
  until,
} from '../support/api-process';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const WRITERS = 8;
const KILL_AFTER = 150;

type Outcome = { cohortId: string } | { failed: string };

// kill -9 while 8 clients append through GraphQL: what was acknowledged is kept, exactly once.
describe('kill -9 under write load', () => {
  let db: TestDatabase;
  let api: ApiProcess | undefined;

  beforeAll(async () => {
    db = await createTestDatabase(migrations);
  });
  afterAll(async () => {
    api?.child.kill('SIGKILL');
    await db.close();
  });

  async function createCohort(token: string, key: string): Promise<Outcome> {
    try {
      const { body } = await post(api!, token, CREATE_COHORT, cohortInput(key));
      const id = body.data?.createCohort?.cohort?.id;
      return id ? { cohortId: id } : { failed: JSON.stringify(body.errors) };
    } catch (error) {
      return { failed: String(error) };
    }
  }

  it('keeps every acknowledged mutation once, and retries land on the same records', async () => {
    const { tenantId, adminToken } = await registerInstitution(db, 'crash');
    api = await startApi(db);
    const outcomes = new Map<string, Outcome>();
    let acknowledged = 0;
    let stop = false;
    const writers = Array.from({ length: WRITERS }, async (_, writer) => {
      for (let i = 0; !stop; i++) {
        const key = `w${writer}-${i}`;
        const outcome = await createCohort(adminToken, key);
        outcomes.set(key, outcome);
        if ('cohortId' in outcome) acknowledged++;
        else stop = true; // the server is gone
      }
    });
    await until(async () => acknowledged >= KILL_AFTER, 60_000);
    api.child.kill('SIGKILL');
    await api.exited;
    stop = true;
    await Promise.all(writers);

    const acked = [...outcomes].filter(([, o]) => 'cohortId' in o);
    const unanswered = [...outcomes].filter(([, o]) => 'failed' in o).map(([key]) => key);
    expect(acked.length).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(unanswered.length).toBeGreaterThan(0); // requests were in flight at the kill

    api = await startApi(db);
    // Clients retry what got no answer, with the same clientMutationId.
    for (const key of unanswered) {
      const outcome = await createCohort(adminToken, key);
      expect(outcome).toHaveProperty('cohortId');
      outcomes.set(key, outcome);
    }
    // And a retry of something already acknowledged returns the same record.
    const [firstKey, first] = acked[0];
    expect(await createCohort(adminToken, firstKey)).toEqual(first);

    const rows = await db.owner.database.withTenant(tenantId, (tx) =>
      tx.query<{ stream_id: string; n: number }>(
        `SELECT stream_id, count(*)::int AS n FROM events
          WHERE type = 'CohortCreated' GROUP BY stream_id`,
      ),
    );
    const created = new Map(rows.map((r) => [r.stream_id, r.n]));
    // Every acknowledged cohort exists, exactly once; nothing exists that nobody asked for.
    for (const outcome of outcomes.values()) {
      if (!('cohortId' in outcome)) throw new Error(`unresolved: ${outcome.failed}`);
      expect(created.get(`cohort-${outcome.cohortId}`)).toBe(1);
    }
    expect(created.size).toBe(outcomes.size);

    const verify = runCli(db, 'verify');
    expect(verify.stdout + verify.stderr).toMatch(/every read model matches/);
    expect(verify.status).toBe(0);
  });
});
