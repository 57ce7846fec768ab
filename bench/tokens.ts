/**
 * Provider tokens (issue #14, docs/adr/0015): verifying an institution's RS256 access tokens,
 * one at a time, beside jose alone with the same public key in the same run. The provider is a
 * loopback HTTP server serving discovery and a JWKS, so Rapport finds its keys as in production;
 * the tokens are signed here, each with its own `jti`, rotating over accounts already linked.
 */
import type { INestApplication } from '@nestjs/common';
import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  type JSONWebKeySet,
  jwtVerify,
  SignJWT,
} from 'jose';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Authenticator } from '../apps/api/src/auth/authenticator.service';
import type { RapportRequest } from '../apps/api/src/auth/request-context';
import { TokenService } from '../apps/api/src/auth/token.service';
import { InstitutionService } from '../apps/api/src/institution/institution.service';
import { graphql, ok } from '../test/support/graphql';
import { startInstance } from '../test/support/test-app';
import { type Args, DB_NAME, log, record, withTestDatabase } from './harness';

/** Accounts linked before the measurement; the tokens rotate over them. */
const PEOPLE = 200;
/** Each system verifies this many tokens in a turn, then the next system takes over. */
const SLICE = 500;
const WARM_UP = 200;

const CREATE = `mutation ($input: CreateCohortInput!) { createCohort(input: $input) { cohort { id } } }`;
const ENROLL = `mutation ($input: EnrollStudentsInput!) { enrollStudents(input: $input) { accepted { studentId } } }`;

interface Provider {
  issuer: string;
  audience: string;
  jwks: JSONWebKeySet;
  requests: { discovery: number; jwks: number };
  sign(subject: string): Promise<string>;
  close(): Promise<void>;
}

/** Discovery and a JWKS on loopback, and an RS256 (2048-bit) key that signs access tokens. */
async function startProvider(): Promise<Provider> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048 });
  const kid = randomUUID();
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }] };
  const requests = { discovery: 0, jwks: 0 };
  const ref: { issuer?: string } = {};
  const server: Server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') {
      requests.discovery++;
      res.end(JSON.stringify({ issuer: ref.issuer, jwks_uri: `${ref.issuer}/jwks` }));
    } else if (req.url === '/jwks') {
      requests.jwks++;
      res.end(JSON.stringify(jwks));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  ref.issuer = issuer;
  const audience = 'https://rapport.bench/api';
  return {
    issuer,
    audience,
    jwks,
    requests,
    sign: (subject) =>
      new SignJWT({ email: `${subject}@bench.edu`, email_verified: true, client_id: subject })
        .setProtectedHeader({ alg: 'RS256', kid, typ: 'at+jwt' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(subject)
        .setJti(randomUUID())
        .setIssuedAt()
        .setExpirationTime('2h')
        .sign(privateKey),
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Signs `count` tokens for the accounts in turn, a few at a time (signing is not measured). */
async function signTokens(provider: Provider, count: number): Promise<string[]> {
  const tokens: string[] = [];
  while (tokens.length < count) {
    const from = tokens.length;
    const batch = Math.min(64, count - from);
    tokens.push(
      ...(await Promise.all(
        Array.from({ length: batch }, (_, k) => provider.sign(account((from + k) % PEOPLE))),
      )),
    );
  }
  return tokens;
}

const account = (i: number) => `acct-${i}`;

const requestWith = (token: string): RapportRequest =>
  ({
    headers: { authorization: `Bearer ${token}` },
    correlationId: randomUUID(),
  }) as RapportRequest;

export async function tokensWorkload(args: Args): Promise<void> {
  log('\n== tokens ==');
  const name = `${DB_NAME}_tokens`;
  await withTestDatabase(name, 4, async (db) => {
    const provider = await startProvider();
    let app: INestApplication | undefined;
    try {
      app = await startInstance(db);
      const nest = app;
      const institution = await app.get(InstitutionService).register({
        slug: `bench-${randomUUID().slice(0, 8)}`,
        name: 'Bench University',
        timeZone: 'America/Chicago',
        identityProvider: { issuer: provider.issuer, audience: provider.audience },
      });
      const tokens = app.get(TokenService);
      const authenticator = app.get(Authenticator);
      const adminToken = await tokens.sign({
        subject: 'bench-admin',
        tenantId: institution.tenantId,
        role: 'admin',
      });
      const cohort = ok<{ createCohort: { cohort: { id: string } } }>(
        await graphql(nest, adminToken, CREATE, {
          input: { name: 'Bench', term: 'Fall', startDate: '2026-09-01', endDate: '2026-12-15' },
        }),
      ).createCohort.cohort.id;
      const rows = Array.from({ length: PEOPLE }, (_, i) => ({
        email: `${account(i)}@bench.edu`,
        name: `Student ${i}`,
      }));
      ok(await graphql(nest, adminToken, ENROLL, { input: { cohortId: cohort, rows } }));

      // Every account's first sign-in links it, so the measured requests find their link.
      const studentOf = new Map<string, string>();
      for (let i = 0; i < PEOPLE; i++) {
        const actor = await authenticator.authenticate(
          requestWith(await provider.sign(account(i))),
        );
        if (actor.role !== 'student' || !actor.studentId)
          throw new Error(`tokens: ${account(i)} signed in as ${actor.role}`);
        studentOf.set(account(i), actor.studentId);
      }
      const fetchedBefore = { ...provider.requests };

      const count = args.tokens;
      const signStarted = performance.now();
      const warmUp = await signTokens(provider, WARM_UP);
      const all = await signTokens(provider, count);
      log(
        `  ${PEOPLE} accounts linked; signed ${count + WARM_UP} RS256 tokens in ${((performance.now() - signStarted) / 1000).toFixed(1)} s`,
      );

      const localKeys = createLocalJWKSet(provider.jwks);
      const systems = {
        jose: async (token: string, subject: string) => {
          const { payload } = await jwtVerify(token, localKeys, {
            issuer: provider.issuer,
            audience: provider.audience,
            algorithms: ['RS256'],
          });
          if (payload.sub !== subject) throw new Error('tokens: jose returned another subject');
        },
        verify: async (token: string, subject: string) => {
          const verified = await tokens.verify(token);
          if (verified.kind !== 'provider' || verified.identity.subject !== subject)
            throw new Error('tokens: TokenService.verify returned another identity');
        },
        authenticate: async (token: string, subject: string) => {
          const actor = await authenticator.authenticate(requestWith(token));
          if (actor.studentId !== studentOf.get(subject))
            throw new Error('tokens: Authenticator returned another person');
        },
      };
      type System = keyof typeof systems;
      const order: System[] = ['jose', 'verify', 'authenticate'];
      for (const system of order)
        for (const [i, token] of warmUp.entries())
          await systems[system](token, account(i % PEOPLE));

      // Slices in a rotating order, so the machine's background load lands on every system alike.
      const seconds: Record<System, number> = { jose: 0, verify: 0, authenticate: 0 };
      for (let from = 0, turn = 0; from < count; from += SLICE, turn++) {
        const to = Math.min(count, from + SLICE);
        for (let k = 0; k < order.length; k++) {
          const system = order[(turn + k) % order.length];
          const verify = systems[system];
          const started = performance.now();
          for (let i = from; i < to; i++) await verify(all[i], account(i % PEOPLE));
          seconds[system] += (performance.now() - started) / 1000;
        }
      }

      const fetched = {
        discovery: provider.requests.discovery - fetchedBefore.discovery,
        jwks: provider.requests.jwks - fetchedBefore.jwks,
      };
      const baseline = {
        name: 'jose jwtVerify alone, local JWKS, same tokens',
        value: count / seconds.jose,
      };
      const note =
        `${count} distinct tokens (own jti, ${PEOPLE} linked subjects), one at a time; no per-token cache exists; ` +
        `discovery fetched ${provider.requests.discovery}x, JWKS ${provider.requests.jwks}x in all ` +
        `(${fetched.discovery}x / ${fetched.jwks}x while measuring)`;
      record(
        'tokens',
        'tokens: RS256 provider token, TokenService.verify (verify only)',
        'verifications/s',
        count / seconds.verify,
        { baseline, note },
      );
      record(
        'tokens',
        'tokens: RS256 provider token, Authenticator.authenticate (incl. link lookup)',
        'verifications/s',
        count / seconds.authenticate,
        { baseline, note },
      );
      log(`  ${note}`);
    } finally {
      await app?.close();
      await provider.close();
    }
  });
}
