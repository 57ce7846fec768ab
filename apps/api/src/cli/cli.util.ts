import {
  type DatabaseHandle,
  type DatabaseRole,
  EventStore,
  openDatabase,
} from '@rapport/event-store';
import { loadConfig } from '../config/app-config';
import { sealAfterMigrating, storePrivacy } from '../config/data-keys';
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
    // Migrating seals what was written before personal data was sealed (docs/adr/0024).
    afterMigrate: migrate ? sealAfterMigrating(storePrivacy(config)) : undefined,
  });
}

/** An event store that opens sealed personal data, for tools that read the log themselves. */
export function cliEventStore(handle: DatabaseHandle): EventStore {
  return new EventStore(handle.database, undefined, storePrivacy(loadConfig()));
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
