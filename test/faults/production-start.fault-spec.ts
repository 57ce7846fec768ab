import { Tenants } from '@rapport/event-store';
import { spawn } from 'node:child_process';
import { DEMO_SLUG } from '../../apps/api/src/demo/demo-seed.service';
import { migrations } from '../../apps/api/src/database/migrations';
import { type ApiProcess, apiEnv, readiness, startApi, until } from '../support/api-process';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

// The compiled API started the way an operator starts it, with NODE_ENV=production.
describe('starting in production', () => {
  let db: TestDatabase;
  let api: ApiProcess | undefined;

  beforeAll(async () => {
    db = await createTestDatabase(migrations);
  });
  afterAll(async () => {
    api?.child.kill('SIGKILL');
    await db.close();
  });

  it('never seeds demo data into an empty database', async () => {
    // SEED_DEMO unset: development would seed here.
    api = await startApi(db, { SEED_DEMO: '', LOG_LEVEL: 'info' });
    // main.ts logs this after the seeding decision has played out.
    await until(async () => /GraphQL ready at/.test(api!.output()), 60_000, api.output);
    expect(await readiness(api)).toBe(200);
    expect(await new Tenants(db.worker.database).findBySlug(DEMO_SLUG)).toBeNull();
    expect(await new Tenants(db.worker.database).list()).toEqual([]);
    expect(api.output()).not.toMatch(/Demo tokens/);
  });

  it('refuses to run on the embedded database unless told to on purpose', async () => {
    const env = apiEnv(db, { PORT: '0', DATABASE_URL: '', DATABASE_OWNER_URL: '' });
    const child = spawn(process.execPath, ['dist/apps/api/src/main.js'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(output).toMatch(/production needs DATABASE_URL.*EMBEDDED_IN_PRODUCTION=yes/);
  });
});
