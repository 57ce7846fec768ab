import { bootstrapSql, quoteIdent } from '@rapport/event-store';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { runCli } from './cli.util';

const usage =
  'usage: npm run db:bootstrap -- --admin-url postgres://postgres@host:5432/postgres --database rapport [--fresh]';

/**
 * Creates the database (with --fresh: drops it first) and the four roles Rapport needs, as a
 * superuser. Idempotent; the role passwords are development defaults.
 */
runCli(async () => {
  const { values } = parseArgs({
    options: {
      'admin-url': { type: 'string' },
      database: { type: 'string' },
      fresh: { type: 'boolean' },
    },
  });
  const adminUrl = values['admin-url'] ?? process.env.DATABASE_ADMIN_URL;
  const database = values.database;
  if (!adminUrl || !database) throw new Error(usage);

  await withClient(adminUrl, async (admin) => {
    if (values.fresh)
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`);
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      database,
    ]);
    if (!rowCount) await admin.query(`CREATE DATABASE ${quoteIdent(database)}`);
  });
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  await withClient(url.toString(), (client) => client.query(bootstrapSql(database)));
  console.log(
    `database ${database} and roles rapport_owner, rapport_app, rapport_worker, rapport_global are ready`,
  );
});

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
