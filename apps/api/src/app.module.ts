import { type DynamicModule, Module, ValidationPipe } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLModule } from '@nestjs/graphql';
import { MetricsModule } from './metrics/metrics.module';
import { MetricsService } from './metrics/metrics.service';
import {
  type DatabaseHandle,
  EventStoreModule,
  type EventStoreModuleOptions,
} from '@rapport/event-store';
import { APP_CONFIG } from './app-config.token';
import { AuthModule } from './auth/auth.module';
import { Authenticator } from './auth/authenticator.service';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { LoggingModule } from './logging/logging.module';
import { GraphqlIdeModule } from './graphql-ide/graphql-ide.module';
import { RateLimitService } from './rate-limit/rate-limit.service';
import type { AppConfig } from './config/app-config';
import { migrations } from './database/migrations';
import { privacyOptions } from './config/data-keys';
import { projections } from './projections';
import { graphqlOptions } from './graphql/graphql-options';
import { ContactModule } from './contact/contact.module';
import { ContactResolver } from './contact/contact.resolver';
import { HttpErrorFilter } from './common/http-error.filter';
import { InputValidationError } from './common/input-validation.error';
import { InstitutionModule } from './institution/institution.module';
import { InstitutionResolver } from './institution/institution.resolver';
import { CohortModule } from './cohort/cohort.module';
import { CohortResolver } from './cohort/cohort.resolver';
import { StudentModule } from './student/student.module';
import { StudentResolver } from './student/student.resolver';
import { InterviewModule } from './interview/interview.module';
import { InterviewResolver } from './interview/interview.resolver';
import { QuestionBankModule } from './question-bank/question-bank.module';
import { QuestionBankResolver } from './question-bank/question-bank.resolver';
import { AdvisorNoteModule } from './advisor-note/advisor-note.module';
import { AdvisorNoteResolver } from './advisor-note/advisor-note.resolver';
import { DemoModule } from './demo/demo.module';
import { DigestModule } from './digest/digest.module';
import { EmailChangeModule } from './email-change/email-change.module';
import { CalendarModule } from './calendar/calendar.module';
import { CalendarFeedResolver } from './calendar/calendar-feed.resolver';
import { WeekModule } from './week/week.module';
import { FollowUpActionModule } from './follow-up-action/follow-up-action.module';
import { AdvisorViewModule } from './advisor-view/advisor-view.module';
import { DigestResolver } from './digest/digest.resolver';
import { ScheduleModule } from '@nestjs/schedule';
import { ExportsModule } from './exports/exports.module';
import { RetentionModule } from './retention/retention.module';
import { AuditModule } from './audit/audit.module';
import { AuditResolver } from './audit/audit.resolver';
import { ImportsModule } from './imports/imports.module';
import { HealthModule } from './health/health.module';
import { NudgeEffectModule } from './nudge-effect/nudge-effect.module';
import { NudgeEffectResolver } from './nudge-effect/nudge-effect.resolver';
import { ProgressModule } from './progress/progress.module';
import { CohortFieldsResolver } from './progress/cohort-fields.resolver';
import { ProgressResolver } from './progress/progress.resolver';
import { StudentFieldsResolver } from './progress/student-fields.resolver';
import { WriteModule } from './write/write.module';
import { HealthResolver } from './health/health.resolver';
import { IdentityModule } from './identity/identity.module';
import { StaffModule } from './staff/staff.module';
import { ErasureModule } from './erasure/erasure.module';
import { ErasureResolver } from './erasure/erasure.resolver';
import { StaffResolver } from './staff/staff.resolver';

/** Every resolver, for printing the schema without starting the application. */
export const resolvers = [
  HealthResolver,
  InstitutionResolver,
  CohortResolver,
  StudentResolver,
  ContactResolver,
  InterviewResolver,
  QuestionBankResolver,
  AdvisorNoteResolver,
  ProgressResolver,
  StudentFieldsResolver,
  CohortFieldsResolver,
  NudgeEffectResolver,
  DigestResolver,
  StaffResolver,
  ErasureResolver,
  AuditResolver,
  CalendarFeedResolver,
];

/** Connections opened by the caller instead of from `config.database` (tests). */
export interface OpenDatabases {
  /** The application role's pool: every request path. */
  app: () => Promise<DatabaseHandle>;
  /** The worker role's pool: projections, digest planning and claims, registrations. */
  worker: () => Promise<DatabaseHandle>;
}

export function eventStoreOptions(
  config: AppConfig,
  openDatabases?: OpenDatabases,
): EventStoreModuleOptions {
  return {
    database: config.database,
    open: openDatabases,
    migrations,
    projections,
    runProjections: config.runProjections,
    privacy: privacyOptions(config),
  };
}

@Module({})
export class AppModule {
  /** `openDatabases` replaces the configured connections (tests pass pools on their database). */
  static forRoot(config: AppConfig, openDatabases?: OpenDatabases): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggingModule.forRoot(config.log),
        EventStoreModule.forRootAsync({
          useFactory: () => eventStoreOptions(config, openDatabases),
        }),
        MetricsModule,
        AuthModule,
        IdentityModule,
        RateLimitModule,
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          inject: [MetricsService, RateLimitService, Authenticator],
          useFactory: (
            metrics: MetricsService,
            limits: RateLimitService,
            authenticator: Authenticator,
          ) => graphqlOptions(config, { metrics, rateLimit: { limits, authenticator } }),
        }),
        WriteModule,
        HealthModule,
        InstitutionModule,
        CohortModule,
        StudentModule,
        ContactModule,
        InterviewModule,
        QuestionBankModule,
        AdvisorNoteModule,
        ProgressModule,
        NudgeEffectModule,
        ScheduleModule.forRoot(),
        DigestModule,
        EmailChangeModule,
        CalendarModule,
        WeekModule,
        FollowUpActionModule,
        AdvisorViewModule,
        StaffModule,
        ErasureModule,
        DemoModule,
        ExportsModule,
        RetentionModule,
        AuditModule,
        ImportsModule,
        ...(config.production ? [] : [GraphqlIdeModule]),
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: APP_FILTER, useClass: HttpErrorFilter },
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
