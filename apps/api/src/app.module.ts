import { type DynamicModule, Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { type DatabaseHandle, EventStoreModule } from '@rapport/event-store';
import type { AppConfig } from './config/app-config';
import { migrations } from './database/migrations';
import { projections } from './projections';
import { graphqlOptions } from './graphql/graphql-options';
import { HealthModule } from './health/health.module';
import { HealthResolver } from './health/health.resolver';

export const APP_CONFIG = Symbol('APP_CONFIG');

/** Every resolver, for printing the schema without starting the application. */
export const resolvers = [HealthResolver];

@Module({})
export class AppModule {
  /** `openDatabase` replaces the configured connection (tests pass a pool on their database). */
  static forRoot(config: AppConfig, openDatabase?: () => Promise<DatabaseHandle>): DynamicModule {
    return {
      module: AppModule,
      imports: [
        EventStoreModule.forRootAsync({
          useFactory: () => ({
            database: config.database,
            open: openDatabase,
            migrations,
            projections,
            runProjections: config.runProjections,
          }),
        }),
        GraphQLModule.forRoot(graphqlOptions(config)),
        HealthModule,
      ],
      providers: [{ provide: APP_CONFIG, useValue: config }],
      exports: [APP_CONFIG],
      global: true,
    };
  }
}
