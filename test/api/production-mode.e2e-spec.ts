import request from 'supertest';
import { newInstitution } from '../support/builders';
import { errorCode, graphql } from '../support/graphql';
import { startInstance, startTestApp, type TestApp } from '../support/test-app';

const INTROSPECTION = '{ __schema { queryType { name } } }';

describe('NODE_ENV=production', () => {
  let dev: TestApp;
  let production: Awaited<ReturnType<typeof startInstance>>;
  let token: string;

  beforeAll(async () => {
    dev = await startTestApp();
    production = await startInstance(dev.db, { production: true });
    token = (await newInstitution(dev)).adminToken;
  });
  afterAll(async () => {
    await production.close();
    await dev.close();
  });

  it('turns introspection off', async () => {
    expect((await graphql(dev.app, token, INTROSPECTION)).data).toBeDefined();
    const refused = await graphql(production, token, INTROSPECTION);
    expect(refused.data).toBeUndefined();
    expect(errorCode(refused)).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('does not suggest field names', async () => {
    const inDev = await graphql(dev.app, token, '{ cohortz { id } }');
    expect(inDev.errors?.[0].message).toMatch(/Did you mean/);
    const inProduction = await graphql(production, token, '{ cohortz { id } }');
    expect(errorCode(inProduction)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(inProduction.errors?.[0].message).not.toMatch(/Did you mean|cohorts/);
  });

  it('masks unexpected errors: no stack, no SQL, no table names', async () => {
    const owner = dev.db.owner.database;
    await owner.withoutTenant((tx) =>
      tx.query('REVOKE SELECT ON aggregate_states FROM rapport_app'),
    );
    try {
      const response = await request(production.getHttpServer())
        .post('/graphql')
        .set('Authorization', `Bearer ${token}`)
        .send({ query: '{ cohorts { id } }' });
      const body = JSON.stringify(response.body);
      expect(response.body.errors[0]).toMatchObject({
        message: 'Internal server error',
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      });
      expect(body).not.toMatch(/aggregate_states|permission|SELECT|stack|\.ts:/i);
    } finally {
      await owner.withoutTenant((tx) =>
        tx.query('GRANT SELECT ON aggregate_states TO rapport_app'),
      );
    }
  });

  it('serves the offline GraphQL IDE in development only', async () => {
    const page = await request(dev.app.getHttpServer()).get('/altair').expect(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    // Every script, style and image comes from this server: it works without internet.
    expect(page.text).not.toMatch(/(src|href)="(https?:)?\/\//);
    const assets = [...page.text.matchAll(/(?:src|href)="([^"]+\.(?:js|css|svg))"/g)].map(
      (m) => m[1],
    );
    expect(assets.length).toBeGreaterThan(3);
    for (const asset of assets) {
      await request(dev.app.getHttpServer()).get(`/altair/${asset}`).expect(200);
    }
    await request(dev.app.getHttpServer()).get('/altair/../package.json').expect(404);

    await request(production.getHttpServer()).get('/altair').expect(404);
  });
});
