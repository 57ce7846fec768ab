import type { DatabaseConfig } from '@rapport/event-store';
import type { LogConfig } from '../logging/app-logger';
import { readFileSync } from 'node:fs';
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
  /** The daily retention job; absent (tests, command-line tools) means off. */
  retention?: RetentionConfig;
  readiness: { maxProjectionLagSeconds: number };
  rateLimit: RateLimitConfig;
  /** Seed the demo institution into an empty database at start-up; never in production. */
  seedDemo: boolean;
  /** When set, GET /metrics needs `Authorization: Bearer <metricsToken>`. */
  metricsToken?: string;
  log: LogConfig;
  /** How long a graceful shutdown may take before the process gives up and exits 1. */
  shutdownTimeoutMs: number;
  /** The key-encryption key's secret and the key cache (docs/adr/0024); dev default when left out. */
  dataKeys?: DataKeysConfig;
}

export interface DataKeysConfig {
  /**
   * DATA_KEY_SECRET (or the contents of DATA_KEY_SECRET_FILE): every person's data key is
   * wrapped by a key derived from it. Losing it loses all personal data. Unset outside
   * production: generated once into the data directory.
   */
  secret?: string;
  /** DATA_KEY_CACHE_MS: how long an unwrapped data key stays in memory (60 s). */
  cacheMs: number;
  /** DATA_KEY_CACHE_SIZE: at most this many keys in memory (50,000). */
  cacheSize: number;
  /**
   * false stores personal data unsealed: only the bench's "off" runs and the test that seals a
   * log written before docs/adr/0024 set it; no environment variable does.
   */
  sealing?: boolean;
}

/** Operations per minute: GraphQL root fields and costly fields (each alias), one per HTTP request. */
export interface RateLimitConfig {
  enabled: boolean;
  userOpsPerMinute: number;
  tenantOpsPerMinute: number;
  /** Requests per client address per minute to public routes and by callers without a token. */
  publicPerMinute: number;
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

export interface RetentionConfig {
  /** Run the retention job's timer in this process (RETENTION=off turns it off). */
  enabled: boolean;
  /** How often to look for an institution whose day has not been swept (RETENTION_TICK_MS). */
  tickMs: number;
}

export interface AuthConfig {
  /** HS256 secret; without it (and without JWKS) a secret is generated into the data directory. */
  secret?: string;
  /** Production: verify tokens against the identity provider's keys. */
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  /** Tokens issued (`iat`) longer ago than this are refused; unset: only `exp` limits a token. */
  maxTokenAgeSeconds?: number;
  /** Each institution's own OpenID provider (docs/adr/0015); defaults when left out. */
  providers?: ProviderConfig;
}

export interface ProviderConfig {
  /** How often each process reloads the issuer → institution directory (IDP_DIRECTORY_REFRESH_MS, 5 s). */
  directoryRefreshMs?: number;
  /** A token with an unknown key id refetches a provider's keys at most this often (IDP_JWKS_COOLDOWN_MS, 30 s). */
  jwksCooldownMs?: number;
  /** Keys are refetched at least this often (IDP_JWKS_MAX_AGE_MS, 10 min). */
  jwksMaxAgeMs?: number;
  /**
   * The week page's sign-in is a public client with PKCE; a provider that insists on a
   * confidential client gets its secret here, by issuer (IDP_CLIENT_SECRETS, a JSON object).
   * Operator configuration, never an event: a secret must not live in an append-only log.
   */
  clientSecrets?: Record<string, string>;
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
  const production = env.NODE_ENV === 'production';
  const auth = loadAuth(env, production);
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
  if (production && database.mode === 'embedded' && env.EMBEDDED_IN_PRODUCTION !== 'yes') {
    throw new ConfigError(
      'production needs DATABASE_URL; set EMBEDDED_IN_PRODUCTION=yes to run on the embedded database on purpose',
    );
  }
  const dataKeys = loadDataKeys(env, production);
  if (production && env.SEED_DEMO === 'true')
    throw new ConfigError('SEED_DEMO=true is refused in production: demo data is for development');
  return {
    port,
    production,
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
    retention: {
      enabled: env.RETENTION !== 'off',
      tickMs: positive(env.RETENTION_TICK_MS, 60 * 60_000, 'RETENTION_TICK_MS'),
    },
    readiness: {
      maxProjectionLagSeconds: positive(
        env.READY_MAX_PROJECTION_LAG_SECONDS,
        60,
        'READY_MAX_PROJECTION_LAG_SECONDS',
      ),
    },
    seedDemo: !production && env.SEED_DEMO !== 'false',
    metricsToken: env.METRICS_TOKEN || undefined,
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
      publicPerMinute: positive(
        env.RATE_LIMIT_PUBLIC_PER_MINUTE,
        120,
        'RATE_LIMIT_PUBLIC_PER_MINUTE',
      ),
    },
    auth,
    dataKeys,
  };
}

function loadDataKeys(env: NodeJS.ProcessEnv, production: boolean): DataKeysConfig {
  let secret = env.DATA_KEY_SECRET || undefined;
  if (env.DATA_KEY_SECRET_FILE) {
    if (secret) throw new ConfigError('set DATA_KEY_SECRET or DATA_KEY_SECRET_FILE, not both');
    try {
      secret = readFileSync(env.DATA_KEY_SECRET_FILE, 'utf8').trim();
    } catch {
      throw new ConfigError(`DATA_KEY_SECRET_FILE ${env.DATA_KEY_SECRET_FILE} cannot be read`);
    }
  }
  if (production && !secret)
    throw new ConfigError(
      'production needs DATA_KEY_SECRET or DATA_KEY_SECRET_FILE: the key that protects every ' +
        "person's data key (back it up apart from the database; docs/adr/0024)",
    );
  if (secret !== undefined && Buffer.byteLength(secret, 'utf8') < MIN_SECRET_BYTES)
    throw new ConfigError(`DATA_KEY_SECRET must be at least ${MIN_SECRET_BYTES} bytes`);
  return {
    secret,
    cacheMs: positive(env.DATA_KEY_CACHE_MS, 60_000, 'DATA_KEY_CACHE_MS'),
    cacheSize: positive(env.DATA_KEY_CACHE_SIZE, 50_000, 'DATA_KEY_CACHE_SIZE'),
  };
}

/** A dev secret shorter than this is guessable offline from one token (RFC 7518 §3.2). */
const MIN_SECRET_BYTES = 32;
const DAY_SECONDS = 24 * 60 * 60;

function loadAuth(env: NodeJS.ProcessEnv, production: boolean): AuthConfig {
  const secret = env.JWT_SECRET || undefined;
  const jwksUrl = env.JWT_JWKS_URL || undefined;
  const issuer = env.JWT_ISSUER || undefined;
  const audience = env.JWT_AUDIENCE || undefined;
  const maxAge = env.JWT_MAX_AGE_SECONDS
    ? positive(env.JWT_MAX_AGE_SECONDS, 0, 'JWT_MAX_AGE_SECONDS')
    : undefined;
  const providers: ProviderConfig = {
    directoryRefreshMs: positive(env.IDP_DIRECTORY_REFRESH_MS, 5_000, 'IDP_DIRECTORY_REFRESH_MS'),
    jwksCooldownMs: positive(env.IDP_JWKS_COOLDOWN_MS, 30_000, 'IDP_JWKS_COOLDOWN_MS'),
    jwksMaxAgeMs: positive(env.IDP_JWKS_MAX_AGE_MS, 600_000, 'IDP_JWKS_MAX_AGE_MS'),
    clientSecrets: clientSecrets(env.IDP_CLIENT_SECRETS),
  };
  if (jwksUrl) {
    if (!issuer || !audience)
      throw new ConfigError('JWT_JWKS_URL needs JWT_ISSUER and JWT_AUDIENCE too');
    let url: URL;
    try {
      url = new URL(jwksUrl);
    } catch {
      throw new ConfigError('JWT_JWKS_URL must be a URL');
    }
    if (production && url.protocol !== 'https:')
      throw new ConfigError('JWT_JWKS_URL must be an https URL in production');
    return { jwksUrl, issuer, audience, maxTokenAgeSeconds: maxAge ?? DAY_SECONDS, providers };
  }
  if (production && !secret)
    throw new ConfigError('production needs JWT_JWKS_URL (your identity provider) or JWT_SECRET');
  if (production && secret && Buffer.byteLength(secret, 'utf8') < MIN_SECRET_BYTES)
    throw new ConfigError(`JWT_SECRET must be at least ${MIN_SECRET_BYTES} bytes in production`);
  return { secret, issuer, audience, maxTokenAgeSeconds: maxAge, providers };
}

function positive(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1)
    throw new ConfigError(`${name} must be a positive integer`);
  return parsed;
}

/** IDP_CLIENT_SECRETS: `{"<issuer>": "<client secret>", …}`; empty or unset means none. */
function clientSecrets(value: string | undefined): Record<string, string> {
  if (!value) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new ConfigError('IDP_CLIENT_SECRETS must be a JSON object of issuer → client secret');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new ConfigError('IDP_CLIENT_SECRETS must be a JSON object of issuer → client secret');
  const secrets: Record<string, string> = {};
  for (const [issuer, secret] of Object.entries(parsed)) {
    if (typeof secret !== 'string' || !secret)
      throw new ConfigError(
        `IDP_CLIENT_SECRETS: the secret for ${issuer} must be a non-empty string`,
      );
    secrets[issuer] = secret;
  }
  return secrets;
}
