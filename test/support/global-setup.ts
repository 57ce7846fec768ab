// Global setup runs outside jest's module mapping, so it imports by relative path.
import { Client } from 'pg';
import { bootstrapSql } from '../../libs/event-store/src/database/roles';

/** Creates the cluster-wide roles once, before parallel workers could race to create them. */
export default async function globalSetup(): Promise<void> {
  const adminUrl = process.env.RAPPORT_TEST_DB === 'pglite' ? null : process.env.TEST_DATABASE_URL;
  if (!adminUrl) return;
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(bootstrapSql(new URL(adminUrl).pathname.slice(1) || 'postgres'));
  } finally {
    await client.end();
  }
}
