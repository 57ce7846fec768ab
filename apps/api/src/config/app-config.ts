import type { DatabaseConfig } from '@rapport/event-store';
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
  const database: DatabaseConfig = env.DATABASE_URL
    ? { mode: 'server', url: env.DATABASE_URL, ownerUrl: env.DATABASE_OWNER_URL, poolSize }
    : { mode: 'embedded', dataDir: env.PGLITE_DATA_DIR ?? join(dataDir, 'pglite'), poolSize };
  return {
    port,
    production: env.NODE_ENV === 'production',
    dataDir,
    database,
    runProjections: true,
    auth: {
      secret: env.JWT_SECRET || undefined,
      jwksUrl: env.JWT_JWKS_URL || undefined,
      issuer: env.JWT_ISSUER || undefined,
      audience: env.JWT_AUDIENCE || undefined,
    },
  };
}
