import { type DatabaseHandle, type DatabaseRole, openDatabase } from '@rapport/event-store';
import { loadConfig } from '../config/app-config';
import { migrations } from '../database/migrations';

/**
 * Command-line tools open the configured database. In embedded mode they attach to the
 * running API's PGlite through its socket when it is up, or open the data directory themselves.
 */
export async function openCliDatabase(role: DatabaseRole, migrate = true): Promise<DatabaseHandle> {
  const config = loadConfig();
  return openDatabase(config.database, {
    role,
    migrate: migrate ? migrations : [],
    applicationName: 'rapport-cli',
  });
}

/** Runs a CLI body, printing a one-line error (no stack) and exiting non-zero on failure. */
export function runCli(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
      if (process.env.DEBUG) console.error(error);
      process.exit(1);
    },
  );
}
