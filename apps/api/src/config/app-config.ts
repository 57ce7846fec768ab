import type { DatabaseConfig } from '@rapport/event-store';
import type { LogConfig } from '../logging/app-logger';
import { join } from 'node:path';

export interface AppConfig {
  port: number;
  production: boolean;
  /** Where the embedded database, the dev JWT secret and the mail outbox live. */
  dataDir: string;
  database: DatabaseConfig;
  /** Start the async projection runner (off in command-line tools). */
  runProjections: boolean;
  auth: AuthConfig;
  mail: MailConfig;
  digest: DigestConfig;
  readiness: { maxProjectionLagSeconds: number };
  rateLimit: RateLimitConfig;
  log: LogConfig;
  /** How long a graceful shutdown may take before the process gives up and exits 1. */
  shutdownTimeoutMs: number;
}

/** Operations (GraphQL root fields, aliases included; one per HTTP export) per minute. */
export interface RateLimitConfig {
  enabled: boolean;
  userOpsPerMinute: number;
  tenantOpsPerMinute: number;
}

export interface MailConfig {
  /** SMTP server; without it mail is written as .eml files to `outboxDir`. */
  smtpUrl?: string;
  outboxDir: string;
  from: string;
  /** Base of deep links and of the unsubscribe URL in messages. */
  appUrl: string;
  /** Signs one-click unsubscribe links; generated once into the data directory when unset. */
  unsubscribeSecret?: string;
}

export interface DigestConfig {
  /** Run the scheduler tick and the delivery worker in this process. */
  enabled: boolean;
  tickMs: number;
  deliveryMs: number;
  maxAttempts: number;
  /** First retry delay; each further attempt doubles it. */
  retryBaseMs: number;
  /** Messages in flight at once, each on its own SMTP connection (DIGEST_SEND_CONCURRENCY, default 16). */
  sendConcurrency?: number;
}

export interface AuthConfig {
  /** HS256 secret; without it (and without JWKS) a secret is generated into the data directory. */
  secret?: string;
  /** Production: verify tokens against the identity provider's keys. */
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Everything configurable comes from the environment. With nothing set, Rapport runs on an
 * embedded PGlite in ./.data so that `npm ci && npm start` works on a fresh clone.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const dataDir = env.DATA_DIR ?? '.data';
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ConfigError(`PORT must be 0-65535, got ${env.PORT}`);
  const poolSize = Number(env.DATABASE_POOL_SIZE ?? 10);
  if (!Number.isInteger(poolSize) || poolSize < 1)
    throw new ConfigError('DATABASE_POOL_SIZE must be a positive integer');
  if (env.NODE_ENV === 'production' && !env.JWT_JWKS_URL && !env.JWT_SECRET) {
    throw new ConfigError('production needs JWT_JWKS_URL (your identity provider) or JWT_SECRET');
  }
  const statementTimeoutMs = positive(
    env.DATABASE_STATEMENT_TIMEOUT_MS,
    10_000,
    'DATABASE_STATEMENT_TIMEOUT_MS',
  );
  const database: DatabaseConfig = env.DATABASE_URL
    ? {
        mode: 'server',
        url: env.DATABASE_URL,
        ownerUrl: env.DATABASE_OWNER_URL,
        // Background work's role; required where the API or a CLI needs it (docs/adr/0011).
        workerUrl: env.DATABASE_WORKER_URL || undefined,
        poolSize,
        statementTimeoutMs,
      }
    : {
        mode: 'embedded',
        dataDir: env.PGLITE_DATA_DIR ?? join(dataDir, 'pglite'),
        poolSize,
        statementTimeoutMs,
      };
  return {
    port,
    production: env.NODE_ENV === 'production',
    dataDir,
    database,
    runProjections: true,
    mail: {
      smtpUrl: env.SMTP_URL || undefined,
      outboxDir: env.MAIL_OUTBOX_DIR ?? join(dataDir, 'outbox'),
      from: env.MAIL_FROM ?? 'Rapport <digest@rapport.localhost>',
      appUrl: (env.APP_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
      unsubscribeSecret: env.UNSUBSCRIBE_SECRET || undefined,
    },
    digest: {
      enabled: env.DIGESTS !== 'off',
      tickMs: positive(env.DIGEST_TICK_MS, 5 * 60_000, 'DIGEST_TICK_MS'),
      deliveryMs: positive(env.DIGEST_DELIVERY_MS, 10_000, 'DIGEST_DELIVERY_MS'),
      maxAttempts: positive(env.DIGEST_MAX_ATTEMPTS, 8, 'DIGEST_MAX_ATTEMPTS'),
      retryBaseMs: positive(env.DIGEST_RETRY_BASE_MS, 60_000, 'DIGEST_RETRY_BASE_MS'),
      sendConcurrency: positive(env.DIGEST_SEND_CONCURRENCY, 16, 'DIGEST_SEND_CONCURRENCY'),
    },
    readiness: {
      maxProjectionLagSeconds: positive(
        env.READY_MAX_PROJECTION_LAG_SECONDS,
        60,
        'READY_MAX_PROJECTION_LAG_SECONDS',
      ),
    },
    log: { level: env.LOG_LEVEL ?? 'info' },
    shutdownTimeoutMs: positive(env.SHUTDOWN_TIMEOUT_MS, 25_000, 'SHUTDOWN_TIMEOUT_MS'),
    rateLimit: {
      enabled: env.RATE_LIMIT !== 'off',
      userOpsPerMinute: positive(
        env.RATE_LIMIT_USER_OPS_PER_MINUTE,
        600,
        'RATE_LIMIT_USER_OPS_PER_MINUTE',
      ),
      tenantOpsPerMinute: positive(
        env.RATE_LIMIT_TENANT_OPS_PER_MINUTE,
        6_000,
        'RATE_LIMIT_TENANT_OPS_PER_MINUTE',
      ),
    },
    auth: {
      secret: env.JWT_SECRET || undefined,
      jwksUrl: env.JWT_JWKS_URL || undefined,
      issuer: env.JWT_ISSUER || undefined,
      audience: env.JWT_AUDIENCE || undefined,
    },
  };
}

function positive(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1)
    throw new ConfigError(`${name} must be a positive integer`);
  return parsed;
}
