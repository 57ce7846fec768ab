import { Test } from '@nestjs/testing';
import type { DatabaseConfig } from '@rapport/event-store';
import { randomBytes } from 'node:crypto';
import { AppModule } from '../../apps/api/src/app.module';
import { migrations } from '../../apps/api/src/database/migrations';
import { testConfig } from '../support/test-app';
import {
  createTestDatabase,
  databaseUrl,
  onRealPostgres,
  type TestDatabase,
  testServerUrl,
  withClient,
} from '../support/test-database';

// Rule: the API refuses a DATABASE_URL role that RLS cannot fence (docs/adr/0011). The
// embedded database always assumes rapport_app itself, so these cases need a real server.
const onServerIt = onRealPostgres ? it : () => undefined;

describe('start-up refuses a database role that row-level security does not fence', () => {
  let db: TestDatabase;
  const bypassRole = `rapport_test_bypass_${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    db = await createTestDatabase(migrations);
    if (onRealPostgres)
      await withClient(testServerUrl()!, (c) =>
        c.query(`CREATE ROLE ${bypassRole} LOGIN PASSWORD '${bypassRole}' BYPASSRLS`),
      );
  });
  afterAll(async () => {
    await db.close();
    if (onRealPostgres)
      await withClient(testServerUrl()!, (c) => c.query(`DROP ROLE IF EXISTS ${bypassRole}`));
  });

  /** Builds the whole API from configuration alone, as `npm start` does. */
  async function start(database: Partial<Extract<DatabaseConfig, { mode: 'server' }>>) {
    const config = testConfig(db, { database: { ...db.config, ...database } as DatabaseConfig });
    const moduleRef = await Test.createTestingModule({
      imports: [AppModule.forRoot(config)],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    return app;
  }

  const adminUrl = () => testServerUrl()!;
  const as = (role?: string) => databaseUrl(adminUrl(), db.name, role);

  onServerIt('refuses a superuser', async () => {
    const superuser = new URL(adminUrl()).username;
    await expect(start({ url: as() })).rejects.toThrow(
      new RegExp(
        `refusing to start: DATABASE_URL connects as role "${superuser}", which row-level security does not fence: it is a superuser`,
      ),
    );
  });

  onServerIt('refuses a role with BYPASSRLS', async () => {
    await expect(start({ url: as(bypassRole) })).rejects.toThrow(
      new RegExp(`DATABASE_URL connects as role "${bypassRole}".*: it has BYPASSRLS`),
    );
  });

  onServerIt('refuses the role that owns the tables', async () => {
    await expect(start({ url: as('rapport_owner') })).rejects.toThrow(
      /DATABASE_URL connects as role "rapport_owner".*: it owns .*, and an owner can switch RLS off/,
    );
  });

  onServerIt('refuses the worker role, which may cross tenants', async () => {
    await expect(start({ url: as('rapport_worker') })).rejects.toThrow(
      /DATABASE_URL connects as role "rapport_worker".*: it is rapport_worker/,
    );
  });

  onServerIt('refuses the table owner as the worker connection', async () => {
    await expect(start({ workerUrl: as('rapport_owner') })).rejects.toThrow(
      /DATABASE_WORKER_URL connects as role "rapport_owner"/,
    );
  });

  onServerIt('says which setting is missing when DATABASE_WORKER_URL is unset', async () => {
    await expect(start({ workerUrl: undefined })).rejects.toThrow(/DATABASE_WORKER_URL is not set/);
  });

  it('starts with rapport_app and rapport_worker', async () => {
    const app = await start({});
    await app.close();
  });
});
