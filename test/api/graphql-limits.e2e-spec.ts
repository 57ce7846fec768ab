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

  it('rejects 1,000 aliases', async () => {
    const aliases = Array.from({ length: 1000 }, (_, i) => `a${i}: health { status }`).join(' ');
    const response = await post({ query: `{ ${aliases} }` });
    expect(response.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
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
