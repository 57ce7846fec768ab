import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import request from 'supertest';
import { newInstitution } from '../support/builders';
import { startTestApp, TEST_JWT_SECRET, type TestApp } from '../support/test-app';

const key = (secret: string) => new TextEncoder().encode(secret);
const claims = (tenantId: string) => ({ tenant: tenantId, role: 'admin' });

describe('GraphQL limits', () => {
  let t: TestApp;
  let token: string;
  let tenantId: string;

  beforeAll(async () => {
    t = await startTestApp();
    const institution = await newInstitution(t);
    token = institution.adminToken;
    tenantId = institution.tenantId;
  });
  afterAll(() => t.close());

  const post = (body: unknown) =>
    request(t.app.getHttpServer())
      .post('/graphql')
      .set('Authorization', `Bearer ${token}`)
      .send(body as object);

  it('rejects a query nested 100 deep without running it or naming the limit', async () => {
    let selection = 'id';
    for (let i = 0; i < 100; i++) selection = `cohorts { ${selection} }`;
    const response = await post({ query: `{ ${selection} }` });
    expect(response.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(response.body.data).toBeUndefined();
    expect(JSON.stringify(response.body)).not.toMatch(/\b15\b/);
  });

  it('rejects a document of too many tokens as a parse failure, without naming the limit', async () => {
    const fields = Array.from({ length: 6000 }, () => '__typename').join(' ');
    const response = await post({ query: `{ ${fields} }` });
    expect(response.status).toBe(400);
    expect(response.body.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(response.body.errors[0].message).not.toMatch(/\d/);
  });

  it('answers a syntax error with 400 GRAPHQL_PARSE_FAILED, not a server error', async () => {
    const response = await post({ query: '{ cohorts { id ' });
    expect(response.status).toBe(400);
    expect(response.body.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('rejects 1,000 aliases (too large to parse) and 100 (over the alias limit)', async () => {
    const aliases = (n: number) =>
      Array.from({ length: n }, (_, i) => `a${i}: health { status }`).join(' ');
    const thousand = await post({ query: `{ ${aliases(1000)} }` });
    expect(thousand.body.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    const hundred = await post({ query: `{ ${aliases(100)} }` });
    expect(hundred.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(hundred.body.data).toBeUndefined();
  });

  it('rejects a 2 MB body and malformed JSON with 4xx, and keeps serving', async () => {
    const big = await post({
      query: `{ health { status } }`,
      variables: { pad: 'x'.repeat(2 * 1024 * 1024) },
    });
    expect(big.status).toBe(413);
    const malformed = await request(t.app.getHttpServer())
      .post('/graphql')
      .set('Content-Type', 'application/json')
      .send('{"query": ');
    expect(malformed.status).toBe(400);
    const fine = await post({ query: `{ health { status } }` });
    expect(fine.body.data.health.status).toBe('ok');
  });

  describe('bad tokens are UNAUTHENTICATED and the server keeps serving', () => {
    const ask = (bearer: string) =>
      request(t.app.getHttpServer())
        .post('/graphql')
        .set('Authorization', `Bearer ${bearer}`)
        .send({ query: '{ cohorts { id } }' });

    const cases: [string, () => Promise<string>][] = [
      [
        'signed with another key',
        () =>
          new SignJWT(claims(tenantId))
            .setProtectedHeader({ alg: 'HS256' })
            .setSubject('mallory')
            .setExpirationTime('1h')
            .sign(key('not-the-secret-not-the-secret-not-the-secret')),
      ],
      [
        'expired',
        () =>
          new SignJWT(claims(tenantId))
            .setProtectedHeader({ alg: 'HS256' })
            .setSubject('late')
            .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
            .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
            .sign(key(TEST_JWT_SECRET)),
      ],
      [
        'unsigned (alg none)',
        async () => {
          const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
          return `${part({ alg: 'none', typ: 'JWT' })}.${part({ ...claims(tenantId), sub: 'eve' })}.`;
        },
      ],
      [
        'for an institution that does not exist',
        () =>
          new SignJWT(claims(randomUUID()))
            .setProtectedHeader({ alg: 'HS256' })
            .setSubject('ghost')
            .setExpirationTime('1h')
            .sign(key(TEST_JWT_SECRET)),
      ],
      ['not a JWT at all', async () => 'garbage'],
    ];

    it.each(cases)('%s', async (_name, make) => {
      const response = await ask(await make());
      expect(response.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
      expect(response.body.data).toBeNull();
      const fine = await ask(token);
      expect(fine.body.data.cohorts).toEqual([]);
    });
  });

  it('answers wrong variable types with BAD_USER_INPUT before anything runs', async () => {
    const response = await post({
      query: 'query($id: ID!) { cohort(id: $id) { id } }',
      variables: { id: { not: 'an id' } },
    });
    expect(response.status).toBe(400);
    expect(response.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});
