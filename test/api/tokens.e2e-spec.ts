import type { INestApplication } from '@nestjs/common';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TokenService } from '../../apps/api/src/auth/token.service';
import { newInstitution } from '../support/builders';
import { errorCode, graphql } from '../support/graphql';
import { startInstance, startTestApp, TEST_JWT_SECRET, type TestApp } from '../support/test-app';

const ME = '{ me { subject } }';
const HOUR = 60 * 60;
const now = () => Math.floor(Date.now() / 1000);

/** A token the way an identity provider (or a forger) might make it: every claim by hand. */
function claims(tenantId: string, extra: JWTPayload = {}): JWTPayload {
  return { sub: 'advisor-token-test', tenant: tenantId, role: 'advisor', ...extra };
}

async function hs256(payload: JWTPayload): Promise<string> {
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'HS256' })
    .sign(new TextEncoder().encode(TEST_JWT_SECRET));
}

async function me(app: INestApplication, token: string) {
  const result = await graphql(app, token, ME);
  return { code: errorCode(result), message: result.errors?.[0]?.message, data: result.data };
}

describe('token lifetime', () => {
  let t: TestApp;
  let tenantId: string;

  beforeAll(async () => {
    t = await startTestApp();
    tenantId = (await newInstitution(t)).tenantId;
  });
  afterAll(() => t.close());

  describe('development tokens (HS256)', () => {
    it('refuses a token without exp, and accepts the same token with one', async () => {
      const forever = await me(t.app, await hs256(claims(tenantId, { iat: now() })));
      expect(forever.code).toBe('UNAUTHENTICATED');
      expect(forever.message).toMatch(/no expiry/);

      const expiring = await me(t.app, await hs256(claims(tenantId, { exp: now() + HOUR })));
      expect(expiring.code).toBeUndefined();
      expect(expiring.data).toEqual({ me: { subject: 'advisor-token-test' } });
    });

    it('refuses a token issued longer ago than JWT_MAX_AGE_SECONDS, or without iat', async () => {
      const strict = await startInstance(t.db, {
        auth: { secret: TEST_JWT_SECRET, maxTokenAgeSeconds: HOUR },
      });
      try {
        const old = claims(tenantId, { iat: now() - 2 * HOUR, exp: now() + HOUR });
        expect((await me(strict, await hs256(old))).code).toBe('UNAUTHENTICATED');
        // Without a max age the same token is still good until it expires.
        expect((await me(t.app, await hs256(old))).code).toBeUndefined();

        const noIat = await me(strict, await hs256(claims(tenantId, { exp: now() + 60 })));
        expect(noIat.code).toBe('UNAUTHENTICATED');
        expect(noIat.message).toMatch(/no issue time/);

        const fresh = claims(tenantId, { iat: now() - 60, exp: now() + 60 });
        expect((await me(strict, await hs256(fresh))).code).toBeUndefined();
      } finally {
        await strict.close();
      }
    });

    it('signs dev tokens within the max age, and refuses to sign longer ones', async () => {
      const strict = await startInstance(t.db, {
        auth: { secret: TEST_JWT_SECRET, maxTokenAgeSeconds: HOUR },
      });
      try {
        const tokens = strict.get(TokenService);
        const actor = { subject: 'cli', tenantId, role: 'admin' as const };
        const capped = await tokens.sign(actor);
        const { iat, exp } = JSON.parse(
          Buffer.from(capped.split('.')[1], 'base64url').toString(),
        ) as { iat: number; exp: number };
        expect(exp - iat).toBe(HOUR);
        expect((await me(strict, capped)).code).toBeUndefined();
        expect((await me(strict, await tokens.sign(actor, '10m'))).code).toBeUndefined();
        await expect(tokens.sign(actor, '2h')).rejects.toThrow(/JWT_MAX_AGE_SECONDS/);
      } finally {
        await strict.close();
      }
    });
  });

  describe('identity-provider tokens (JWKS)', () => {
    const issuer = 'https://idp.rapport.test';
    const audience = 'rapport-api';
    let jwks: Server;
    let idp: INestApplication;
    let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

    beforeAll(async () => {
      const pair = await generateKeyPair('ES256');
      privateKey = pair.privateKey;
      const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'test', alg: 'ES256', use: 'sig' };
      jwks = createServer((_, response) => {
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ keys: [jwk] }));
      });
      await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
      const { port } = jwks.address() as AddressInfo;
      // What loadConfig gives with JWT_JWKS_URL and no JWT_MAX_AGE_SECONDS: 24 hours.
      idp = await startInstance(t.db, {
        auth: {
          jwksUrl: `http://127.0.0.1:${port}/jwks.json`,
          issuer,
          audience,
          maxTokenAgeSeconds: 24 * HOUR,
        },
      });
    });
    afterAll(async () => {
      await idp.close();
      await new Promise((resolve) => jwks.close(resolve));
    });

    const es256 = (payload: JWTPayload) =>
      new SignJWT({ iss: issuer, aud: audience, ...payload })
        .setProtectedHeader({ alg: 'ES256', kid: 'test' })
        .sign(privateKey);

    it('accepts a fresh token with exp and iat', async () => {
      const token = await es256(claims(tenantId, { iat: now() - 60, exp: now() + HOUR }));
      expect((await me(idp, token)).data).toEqual({ me: { subject: 'advisor-token-test' } });
    });

    it('refuses a token without exp', async () => {
      const token = await es256(claims(tenantId, { iat: now() - 60 }));
      expect((await me(idp, token)).code).toBe('UNAUTHENTICATED');
    });

    it('refuses a token issued more than 24 hours ago, even if it has not expired', async () => {
      const token = await es256(claims(tenantId, { iat: now() - 25 * HOUR, exp: now() + HOUR }));
      const refused = await me(idp, token);
      expect(refused.code).toBe('UNAUTHENTICATED');
      expect(refused.message).toMatch(/too old/);
    });

    it('refuses a token without iat', async () => {
      const token = await es256(claims(tenantId, { exp: now() + HOUR }));
      expect((await me(idp, token)).code).toBe('UNAUTHENTICATED');
    });
  });
});
