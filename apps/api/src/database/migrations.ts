import { EventStore1764230400000, type MigrationClass } from '@rapport/event-store';

/** Every migration, oldest first. Append only: a committed migration is never edited. */
export const migrations: readonly MigrationClass[] = [EventStore1764230400000];
