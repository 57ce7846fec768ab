import { bootstrapSql, quoteIdent, Roles } from '@rapport/event-store';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { runCli } from './cli.util';

const usage =
  'usage: npm run db:bootstrap -- --admin-url postgres://postgres@host:5432/postgres --database rapport [--fresh]';

/**
 * Creates the database (with --fresh: drops it first) and the four roles Rapport needs, as a
 * superuser. Idempotent; a role named in one of the connection URLs the API will use gets that
 * URL's password (docker-compose generates them), the others keep the development defaults.
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
  await withClient(url.toString(), async (client) => {
    await client.query(bootstrapSql(database));
    for (const [role, password] of rolePasswords(process.env)) {
      await client.query(
        `ALTER ROLE ${quoteIdent(role)} PASSWORD ${client.escapeLiteral(password)}`,
      );
    }
  });
  console.log(
    `database ${database} and roles rapport_owner, rapport_app, rapport_worker, rapport_global are ready`,
  );
});

/** Passwords for Rapport's own roles, from the URLs they log in with. */
function rolePasswords(env: NodeJS.ProcessEnv): Map<string, string> {
  const ours = new Set<string>(Object.values(Roles));
  const passwords = new Map<string, string>();
  for (const name of ['DATABASE_URL', 'DATABASE_OWNER_URL', 'DATABASE_WORKER_URL']) {
    if (!env[name]) continue;
    const url = new URL(env[name]);
    const role = decodeURIComponent(url.username);
    if (ours.has(role) && url.password) passwords.set(role, decodeURIComponent(url.password));
  }
  return passwords;
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
