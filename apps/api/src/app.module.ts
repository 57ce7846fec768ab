import { type DynamicModule, Module, ValidationPipe } from '@nestjs/common';
import { APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { type DatabaseHandle, EventStoreModule } from '@rapport/event-store';
import { APP_CONFIG } from './app-config.token';
import { AuthModule } from './auth/auth.module';
import type { AppConfig } from './config/app-config';
import { migrations } from './database/migrations';
import { projections } from './projections';
import { graphqlOptions } from './graphql/graphql-options';
import { ContactModule } from './contact/contact.module';
import { ContactResolver } from './contact/contact.resolver';
import { InputValidationError } from './common/input-validation.error';
import { HealthModule } from './health/health.module';
import { WriteModule } from './write/write.module';
import { HealthResolver } from './health/health.resolver';

/** Every resolver, for printing the schema without starting the application. */
export const resolvers = [HealthResolver, ContactResolver];

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
        AuthModule,
        WriteModule,
        HealthModule,
        ContactModule,
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        {
          provide: APP_PIPE,
          useFactory: () =>
            new ValidationPipe({
              transform: true,
              exceptionFactory: (errors) => InputValidationError.fromValidation(errors),
            }),
        },
      ],
      exports: [APP_CONFIG],
      global: true,
    };
  }
}
