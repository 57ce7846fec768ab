import {
  DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { Database } from './database/database';
import {
  type DatabaseConfig,
  type DatabaseHandle,
  type MigrationClass,
  MissingWorkerConnectionError,
  openDatabase,
} from './database/open-database';
import { assertFencedRole } from './database/role-check';
import { EventStore } from './event-store';
import type { Projection } from './projections/projection';
import { ProjectionRunner, type RunnerOptions } from './projections/projection-runner';
import { Tenants } from './tenants';
import type { Upcasters } from './upcasters';
import { type KeyEncryptionKey } from './privacy/key-encryption-key';
import { KeyRing, type KeyRingOptions } from './privacy/key-ring';
import { DATA_KEYS, type PersonalDataPolicy } from './privacy/personal-data';
import { sealPlaintextEvents } from './privacy/seal-existing';

export interface EventStoreModuleOptions {
  database: DatabaseConfig;
  /** Use these connections instead of opening `database` (tests share one database this way). */
  open?: { app: () => Promise<DatabaseHandle>; worker: () => Promise<DatabaseHandle> };
  migrations: readonly MigrationClass[];
  projections?: readonly Projection[];
  upcasters?: Upcasters;
  /** Start the async projection runner with the application (off in CLIs). */
  runProjections?: boolean;
  runner?: RunnerOptions;
  /** Seal `data.personal` of every event (docs/adr/0024); without it events are stored as given. */
  privacy?: { policy: PersonalDataPolicy; kek: KeyEncryptionKey } & KeyRingOptions;
}

export const EVENT_STORE_OPTIONS = Symbol('EVENT_STORE_OPTIONS');
export const DATABASE_HANDLE = Symbol('DATABASE_HANDLE');
/** The rapport_worker connection: cross-tenant background work only, never a request path. */
export const WORKER_DATABASE_HANDLE = Symbol('WORKER_DATABASE_HANDLE');
/** The worker connection's `Database`; inject it with `@Inject(WORKER_DATABASE)`. */
export const WORKER_DATABASE = Symbol('WORKER_DATABASE');
export const PROJECTIONS = Symbol('PROJECTIONS');

@Injectable()
class EventStoreLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('EventStore');

  constructor(
    @Inject(EVENT_STORE_OPTIONS) private readonly options: EventStoreModuleOptions,
    @Inject(DATABASE_HANDLE) private readonly handle: DatabaseHandle,
    @Inject(WORKER_DATABASE_HANDLE) private readonly worker: DatabaseHandle,
    private readonly runner: ProjectionRunner,
    @Inject(DATA_KEYS) private readonly keys: KeyRing | null,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.logger.log(`database: ${this.handle.description}`);
    // Before any key is read: a destruction elsewhere must reach this process's cache.
    await this.keys?.listen(this.handle.database);
    // Checkpoint rows exist from the start, so health can tell a runner that never ran.
    await this.runner.register();
    if (this.options.runProjections) this.runner.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
    await this.keys?.close();
    // The worker first: closing the app handle stops an embedded database.
    await this.worker.close();
    await this.handle.close();
  }
}

/**
 * Provides `Database` (the application role, for request paths), `EventStore`, and over a
 * second pool as rapport_worker the `ProjectionRunner`, `Tenants` and `WORKER_DATABASE` for
 * cross-tenant background work. Migrations run (as the owner) before anything else is
 * created; a connection whose role RLS cannot fence is refused.
 */
@Module({})
export class EventStoreModule {
  static forRootAsync(options: {
    imports?: DynamicModule['imports'];
    inject?: unknown[];
    useFactory: (...args: never[]) => EventStoreModuleOptions | Promise<EventStoreModuleOptions>;
  }): DynamicModule {
    return {
      module: EventStoreModule,
      global: true,
      imports: options.imports ?? [],
      providers: [
        {
          provide: EVENT_STORE_OPTIONS,
          useFactory: options.useFactory,
          inject: (options.inject ?? []) as never[],
        },
        {
          provide: DATA_KEYS,
          inject: [EVENT_STORE_OPTIONS],
          useFactory: (o: EventStoreModuleOptions) =>
            o.privacy ? new KeyRing(o.privacy.kek, o.privacy) : null,
        },
        {
          provide: DATABASE_HANDLE,
          inject: [EVENT_STORE_OPTIONS, DATA_KEYS],
          useFactory: async (o: EventStoreModuleOptions, keys: KeyRing | null) => {
            // Fail before migrating anything when the worker connection cannot be opened.
            if (!o.open && o.database.mode === 'server' && !o.database.workerUrl)
              throw new MissingWorkerConnectionError();
            const handle = await (o.open
              ? o.open.app()
              : openDatabase(o.database, {
                  role: 'app',
                  migrate: o.migrations,
                  applicationName: 'rapport-api',
                  afterMigrate: sealingStep(o, keys),
                }));
            await refuseUnfenced(handle, { kind: 'app', setting: 'DATABASE_URL' });
            return handle;
          },
        },
        {
          provide: WORKER_DATABASE_HANDLE,
          // From the app handle: migrations have run, and an embedded database is shared.
          inject: [EVENT_STORE_OPTIONS, DATABASE_HANDLE],
          useFactory: async (o: EventStoreModuleOptions, app: DatabaseHandle) => {
            try {
              const handle = await (o.open ? o.open.worker() : app.as('worker'));
              await refuseUnfenced(handle, { kind: 'worker', setting: 'DATABASE_WORKER_URL' });
              return handle;
            } catch (error) {
              await app.close(); // a failed start must not leave the app pool open
              throw error;
            }
          },
        },
        {
          provide: WORKER_DATABASE,
          inject: [WORKER_DATABASE_HANDLE],
          useFactory: (h: DatabaseHandle) => h.database,
        },
        {
          provide: Database,
          inject: [DATABASE_HANDLE],
          useFactory: (h: DatabaseHandle) => h.database,
        },
        {
          provide: PROJECTIONS,
          inject: [EVENT_STORE_OPTIONS],
          useFactory: (o: EventStoreModuleOptions) => o.projections ?? [],
        },
        {
          provide: EventStore,
          inject: [Database, EVENT_STORE_OPTIONS, PROJECTIONS, DATA_KEYS],
          useFactory: (
            db: Database,
            o: EventStoreModuleOptions,
            projections: Projection[],
            keys: KeyRing | null,
          ) => {
            // One store for both connections: its reads take the caller's transaction.
            const store = new EventStore(
              db,
              o.upcasters,
              o.privacy && keys ? { policy: o.privacy.policy, keys } : null,
            );
            for (const p of projections) if (p.mode === 'inline') store.addInlineProjection(p);
            return store;
          },
        },
        {
          provide: ProjectionRunner,
          inject: [WORKER_DATABASE, EventStore, EVENT_STORE_OPTIONS, PROJECTIONS],
          useFactory: (
            worker: Database,
            store: EventStore,
            o: EventStoreModuleOptions,
            projections: Projection[],
          ) => {
            const runner = new ProjectionRunner(
              worker,
              store,
              projections.filter((p) => p.mode === 'async'),
              o.runner,
            );
            store.onAppended(() => runner.nudge());
            return runner;
          },
        },
        {
          provide: Tenants,
          inject: [WORKER_DATABASE],
          useFactory: (worker: Database) => new Tenants(worker),
        },
        EventStoreLifecycle,
      ],
      exports: [
        DATABASE_HANDLE,
        Database,
        WORKER_DATABASE_HANDLE,
        WORKER_DATABASE,
        EventStore,
        ProjectionRunner,
        Tenants,
        PROJECTIONS,
        DATA_KEYS,
      ],
    };
  }
}

/** Closes the pool before refusing, so a refused start leaves no connection behind. */
async function refuseUnfenced(
  handle: DatabaseHandle,
  connection: Parameters<typeof assertFencedRole>[1],
): Promise<void> {
  try {
    await assertFencedRole(handle.database, connection);
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** The post-migration step that seals personal data written before docs/adr/0024. */
export function sealingStep(
  o: Pick<EventStoreModuleOptions, 'privacy'>,
  keys: KeyRing | null,
): ((owner: Database) => Promise<void>) | undefined {
  const policy = o.privacy?.policy;
  if (!policy || !keys) return undefined;
  return async (owner) => {
    await sealPlaintextEvents(owner, keys, policy);
  };
}
