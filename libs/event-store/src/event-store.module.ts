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
  openDatabase,
} from './database/open-database';
import { EventStore } from './event-store';
import type { Projection } from './projections/projection';
import { ProjectionRunner, type RunnerOptions } from './projections/projection-runner';
import { Tenants } from './tenants';
import type { Upcasters } from './upcasters';

export interface EventStoreModuleOptions {
  database: DatabaseConfig;
  /** Use this connection instead of opening `database` (tests share one database this way). */
  open?: () => Promise<DatabaseHandle>;
  migrations: readonly MigrationClass[];
  projections?: readonly Projection[];
  upcasters?: Upcasters;
  /** Start the async projection runner with the application (off in CLIs). */
  runProjections?: boolean;
  runner?: RunnerOptions;
}

export const EVENT_STORE_OPTIONS = Symbol('EVENT_STORE_OPTIONS');
export const DATABASE_HANDLE = Symbol('DATABASE_HANDLE');
export const PROJECTIONS = Symbol('PROJECTIONS');

@Injectable()
class EventStoreLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('EventStore');

  constructor(
    @Inject(EVENT_STORE_OPTIONS) private readonly options: EventStoreModuleOptions,
    @Inject(DATABASE_HANDLE) private readonly handle: DatabaseHandle,
    private readonly runner: ProjectionRunner,
  ) {}

  onApplicationBootstrap(): void {
    this.logger.log(`database: ${this.handle.description}`);
    if (this.options.runProjections) this.runner.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
    await this.handle.close();
  }
}

/**
 * Provides `Database`, `EventStore`, `Tenants` and the `ProjectionRunner` over one
 * connection pool. Migrations run (as the owner) before anything else is created.
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
          provide: DATABASE_HANDLE,
          inject: [EVENT_STORE_OPTIONS],
          useFactory: (o: EventStoreModuleOptions) =>
            o.open
              ? o.open()
              : openDatabase(o.database, {
                  role: 'app',
                  migrate: o.migrations,
                  applicationName: 'rapport-api',
                }),
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
          inject: [Database, EVENT_STORE_OPTIONS, PROJECTIONS],
          useFactory: (db: Database, o: EventStoreModuleOptions, projections: Projection[]) => {
            const store = new EventStore(db, o.upcasters);
            for (const p of projections) if (p.mode === 'inline') store.addInlineProjection(p);
            return store;
          },
        },
        {
          provide: ProjectionRunner,
          inject: [Database, EventStore, EVENT_STORE_OPTIONS, PROJECTIONS],
          useFactory: (
            db: Database,
            store: EventStore,
            o: EventStoreModuleOptions,
            projections: Projection[],
          ) => {
            const runner = new ProjectionRunner(
              db,
              store,
              projections.filter((p) => p.mode === 'async'),
              o.runner,
            );
            store.onAppended(() => runner.nudge());
            return runner;
          },
        },
        { provide: Tenants, inject: [Database], useFactory: (db: Database) => new Tenants(db) },
        EventStoreLifecycle,
      ],
      exports: [DATABASE_HANDLE, Database, EventStore, ProjectionRunner, Tenants, PROJECTIONS],
    };
  }
}
