import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AppModule } from '../../apps/api/src/app.module';
import { AppLogger } from '../../apps/api/src/logging/app-logger';
import type { AppConfig, MailConfig } from '../../apps/api/src/config/app-config';
import { migrations } from '../../apps/api/src/database/migrations';
import { createTestDatabase, type TestDatabase } from './test-database';

export const TEST_JWT_SECRET = 'rapport-test-secret-rapport-test-secret';
export const TEST_UNSUBSCRIBE_SECRET = 'rapport-test-unsubscribe-secret';

/** The tests' mail settings; with an SMTP URL (a test's SmtpSink) instead of the file outbox. */
export function testMail(smtpUrl?: string): MailConfig {
  return {
    smtpUrl,
    outboxDir: '.data/test/outbox',
    from: 'Rapport <digest@rapport.test>',
    appUrl: 'https://rapport.test',
    unsubscribeSecret: TEST_UNSUBSCRIBE_SECRET,
  };
}

export interface TestApp {
  app: INestApplication;
  db: TestDatabase;
  close(): Promise<void>;
}

/** The configuration every test app starts from; tests override what they exercise. */
export function testConfig(db: TestDatabase, overrides: Partial<AppConfig> = {}): AppConfig {
  return {
    port: 0,
    production: false,
    dataDir: '.data/test',
    database: db.config,
    runProjections: false,
    auth: { secret: TEST_JWT_SECRET },
    mail: testMail(),
    readiness: { maxProjectionLagSeconds: 60 },
    // On, so every test goes through the limiter; generous, so only the limit tests hit it.
    log: { level: 'silent' },
    shutdownTimeoutMs: 25_000,
    rateLimit: {
      enabled: true,
      userOpsPerMinute: 100_000,
      tenantOpsPerMinute: 100_000,
      publicPerMinute: 100_000,
    },
    seedDemo: false,
    // Tests drive the scheduler and the worker by hand, never by timers.
    digest: { enabled: false, tickMs: 60_000, deliveryMs: 1_000, maxAttempts: 3, retryBaseMs: 1 },
    ...overrides,
  };
}

/** The whole API on a fresh database (real PostgreSQL on CI, PGlite otherwise). */
export async function startTestApp(overrides: Partial<AppConfig> = {}): Promise<TestApp> {
  const db = await createTestDatabase(migrations);
  const app = await startInstance(db, overrides);
  return {
    app,
    db,
    async close() {
      await app.close();
      await db.close();
    },
  };
}

/** One more API process on an existing test database (several instances, restarts). */
export async function startInstance(
  db: TestDatabase,
  overrides: Partial<AppConfig> = {},
): Promise<INestApplication> {
  // The test database already ran migrations; each instance gets its own pool on it.
  const moduleRef = await Test.createTestingModule({
    imports: [
      AppModule.forRoot(testConfig(db, overrides), {
        app: () => db.app.as('app'),
        worker: () => db.app.as('worker'),
      }),
    ],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  app.useLogger(app.get(AppLogger));
  await app.init();
  return app;
}
