import request from 'supertest';
import { newInstitution } from '../support/builders';
import { startTestApp, type TestApp } from '../support/test-app';

describe('GraphQL limits', () => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await startTestApp();
    token = (await newInstitution(t)).adminToken;
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
});
