import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './app-config';

const SECRET_32 = 'x'.repeat(32);
const SERVER = { DATABASE_URL: 'postgres://rapport_app@db/rapport' };
const DATA_KEY = { DATA_KEY_SECRET: 'k'.repeat(32) };
const PRODUCTION = { NODE_ENV: 'production', ...SERVER, ...DATA_KEY };
const IDP = {
  JWT_JWKS_URL: 'https://idp.example.edu/.well-known/jwks.json',
  JWT_ISSUER: 'https://idp.example.edu',
  JWT_AUDIENCE: 'rapport',
};

function refused(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('loadConfig accepted the configuration');
}

describe('loadConfig', () => {
  describe("institutions' providers", () => {
    it('reads client secrets by issuer from IDP_CLIENT_SECRETS (none by default: public clients)', () => {
      expect(loadConfig({}).auth.providers?.clientSecrets).toEqual({});
      const secrets = { 'https://login.example.edu': 's3cret' };
      expect(
        loadConfig({ IDP_CLIENT_SECRETS: JSON.stringify(secrets) }).auth.providers?.clientSecrets,
      ).toEqual(secrets);
      expect(refused({ IDP_CLIENT_SECRETS: 'not json' })).toMatch(/JSON object/);
      expect(refused({ IDP_CLIENT_SECRETS: '["s3cret"]' })).toMatch(/JSON object/);
      expect(refused({ IDP_CLIENT_SECRETS: '{"https://login.example.edu": 1}' })).toMatch(
        /non-empty string/,
      );
    });
  });

  describe('identity provider (JWKS)', () => {
    it('needs an issuer and an audience with JWT_JWKS_URL', () => {
      expect(refused({ JWT_JWKS_URL: IDP.JWT_JWKS_URL, JWT_ISSUER: IDP.JWT_ISSUER })).toMatch(
        /JWT_ISSUER and JWT_AUDIENCE/,
      );
      expect(refused({ JWT_JWKS_URL: IDP.JWT_JWKS_URL, JWT_AUDIENCE: 'rapport' })).toMatch(
        /JWT_ISSUER and JWT_AUDIENCE/,
      );
      expect(loadConfig(IDP).auth).toMatchObject({ issuer: IDP.JWT_ISSUER, audience: 'rapport' });
    });

    it('needs an https JWKS URL in production, and allows http in development', () => {
      const plain = { ...IDP, JWT_JWKS_URL: 'http://127.0.0.1:8080/jwks.json' };
      expect(refused({ ...PRODUCTION, ...plain })).toMatch(/https/);
      expect(loadConfig(plain).auth.jwksUrl).toBe(plain.JWT_JWKS_URL);
      expect(loadConfig({ ...PRODUCTION, ...IDP }).auth.jwksUrl).toBe(IDP.JWT_JWKS_URL);
      expect(refused({ ...IDP, JWT_JWKS_URL: 'not a url' })).toMatch(/must be a URL/);
    });

    it('limits token age to 24 hours unless JWT_MAX_AGE_SECONDS says otherwise', () => {
      expect(loadConfig(IDP).auth.maxTokenAgeSeconds).toBe(86_400);
      expect(loadConfig({ ...IDP, JWT_MAX_AGE_SECONDS: '3600' }).auth.maxTokenAgeSeconds).toBe(
        3600,
      );
      expect(refused({ ...IDP, JWT_MAX_AGE_SECONDS: '0' })).toMatch(/JWT_MAX_AGE_SECONDS/);
    });
  });

  describe('development secret', () => {
    it('has no age limit beyond exp unless JWT_MAX_AGE_SECONDS is set', () => {
      expect(loadConfig({}).auth.maxTokenAgeSeconds).toBeUndefined();
      expect(loadConfig({ JWT_MAX_AGE_SECONDS: '600' }).auth.maxTokenAgeSeconds).toBe(600);
    });

    it('refuses a JWT_SECRET shorter than 32 bytes in production', () => {
      expect(refused({ ...PRODUCTION, JWT_SECRET: 'change-me-in-production' })).toMatch(
        /at least 32 bytes/,
      );
      expect(refused({ ...PRODUCTION })).toMatch(/JWT_JWKS_URL .* or JWT_SECRET/);
      expect(loadConfig({ ...PRODUCTION, JWT_SECRET: SECRET_32 }).auth.secret).toBe(SECRET_32);
      // Outside production a short secret is the developer's business.
      expect(loadConfig({ JWT_SECRET: 'dev' }).auth.secret).toBe('dev');
    });
  });

  describe('production', () => {
    it('never seeds demo data', () => {
      expect(loadConfig({}).seedDemo).toBe(true);
      expect(loadConfig({ SEED_DEMO: 'false' }).seedDemo).toBe(false);
      expect(loadConfig({ ...PRODUCTION, JWT_SECRET: SECRET_32 }).seedDemo).toBe(false);
      expect(refused({ ...PRODUCTION, JWT_SECRET: SECRET_32, SEED_DEMO: 'true' })).toMatch(
        /SEED_DEMO/,
      );
    });

    it('refuses the embedded database unless EMBEDDED_IN_PRODUCTION=yes', () => {
      const env = { NODE_ENV: 'production', JWT_SECRET: SECRET_32, ...DATA_KEY };
      expect(refused(env)).toMatch(/DATABASE_URL.*EMBEDDED_IN_PRODUCTION=yes/);
      expect(refused({ ...env, EMBEDDED_IN_PRODUCTION: 'true' })).toMatch(/DATABASE_URL/);
      expect(loadConfig({ ...env, EMBEDDED_IN_PRODUCTION: 'yes' }).database.mode).toBe('embedded');
      expect(loadConfig({ ...env, ...SERVER }).database.mode).toBe('server');
      expect(loadConfig({}).database.mode).toBe('embedded');
    });
  });

  describe('data key secret', () => {
    it('is required in production, from DATA_KEY_SECRET or a file, and long enough', () => {
      const env = { NODE_ENV: 'production', ...SERVER, JWT_SECRET: SECRET_32 };
      expect(refused(env)).toMatch(/DATA_KEY_SECRET or DATA_KEY_SECRET_FILE/);
      expect(loadConfig({ ...env, ...DATA_KEY }).dataKeys?.secret).toBe('k'.repeat(32));
      const file = join(mkdtempSync(join(tmpdir(), 'rapport-kek-')), 'secret');
      writeFileSync(file, `${'f'.repeat(40)}\n`);
      expect(loadConfig({ ...env, DATA_KEY_SECRET_FILE: file }).dataKeys?.secret).toBe(
        'f'.repeat(40),
      );
      expect(refused({ ...env, DATA_KEY_SECRET_FILE: `${file}.missing` })).toMatch(
        /cannot be read/,
      );
      expect(refused({ ...env, DATA_KEY_SECRET: 'short' })).toMatch(/at least 32 bytes/);
      // Development generates it into the data directory when the keys are first used.
      expect(loadConfig({}).dataKeys?.secret).toBeUndefined();
      expect(loadConfig({ DATA_KEY_CACHE_MS: '5000' }).dataKeys?.cacheMs).toBe(5000);
    });
  });

  describe('public routes', () => {
    it('rate limits them per address and can require a metrics token', () => {
      expect(loadConfig({}).rateLimit.publicPerMinute).toBe(120);
      expect(loadConfig({ RATE_LIMIT_PUBLIC_PER_MINUTE: '10' }).rateLimit.publicPerMinute).toBe(10);
      expect(refused({ RATE_LIMIT_PUBLIC_PER_MINUTE: 'lots' })).toMatch(
        /RATE_LIMIT_PUBLIC_PER_MINUTE/,
      );
      expect(loadConfig({}).metricsToken).toBeUndefined();
      expect(loadConfig({ METRICS_TOKEN: 's3cret' }).metricsToken).toBe('s3cret');
    });
  });
});
