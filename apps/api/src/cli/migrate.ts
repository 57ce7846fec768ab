import { openCliDatabase, runCli } from './cli.util';

// Applies pending migrations as the owner role (DATABASE_OWNER_URL, or the embedded database).
runCli(async () => {
  const handle = await openCliDatabase('owner', true);
  console.log(`migrations applied on ${handle.description}`);
  await handle.close();
});
