import { jest } from '@jest/globals';
import request from 'supertest';
import { Authenticator } from '../../apps/api/src/auth/authenticator.service';
import { newInstitution } from '../support/builders';
import { errorCode, graphql, ok } from '../support/graphql';
import { startInstance, startTestApp, type TestApp } from '../support/test-app';

const ME = (aliases: number) =>
  `{ ${Array.from({ length: aliases }, (_, i) => `m${i}: me { subject }`).join(' ')} }`;
const CREATE_COHORTS = (names: string[]) =>
  `mutation { ${names
    .map(
      (name, i) =>
        `c${i}: createCohort(input: { name: "${name}", term: "Fall", startDate: "2026-09-01", endDate: "2026-12-15" }) { cohort { id } }`,
    )
    .join(' ')} }`;

const AS_OF = '2026-10-01T00:00:00Z';
const DASHBOARDS = (cohortId: string, aliases: number) =>
  `{ ${Array.from(
    { length: aliases },
    (_, i) => `c${i}: cohort(id: "${cohortId}") { dashboard(asOf: "${AS_OF}") { students } }`,
  ).join(' ')} }`;
const REPLAYED_PAGE = (first: number) =>
  `{ cohorts { students(first: ${first}) { edges { node { progress(asOf: "${AS_OF}") { stage } } } } } }`;

describe('rate limiting (operations per user and per institution)', () => {
  let t: TestApp;
  let inst: Awaited<ReturnType<typeof newInstitution>>;
  let other: Awaited<ReturnType<typeof newInstitution>>;

  beforeAll(async () => {
    t = await startTestApp({
      rateLimit: { enabled: true, userOpsPerMinute: 5, tenantOpsPerMinute: 8, publicPerMinute: 5 },
    });
    inst = await newInstitution(t);
    other = await newInstitution(t);
  });
  afterAll(() => t.close());

  const post = (token: string, query: string) =>
    request(t.app.getHttpServer())
      .post('/graphql')
      .set('Authorization', `Bearer ${token}`)
      .send({ query });

  it('counts aliases as operations and answers 429 RATE_LIMITED with Retry-After', async () => {
    const token = await inst.advisorToken('advisor-aliases');
    const first = await post(token, ME(3));
    expect(first.status).toBe(200);
    expect(Object.keys(first.body.data)).toHaveLength(3);

    const second = await post(token, ME(3));
    expect(second.status).toBe(429);
    expect(second.body.data).toBeUndefined();
    expect(second.body.errors[0].extensions.code).toBe('RATE_LIMITED');
    const retryAfter = Number(second.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(second.body.errors[0].extensions.retryAfterSeconds).toBe(retryAfter);
    const metrics = await request(t.app.getHttpServer()).get('/metrics');
    expect(metrics.text).toMatch(/rapport_rate_limited_total\{scope="user"\} [1-9]/);

    // A refused request costs nothing: what is left of the budget (2) is still usable.
    expect((await post(token, ME(2))).status).toBe(200);
  });

  it('refuses a whole mutation before it runs, so nothing of it is recorded', async () => {
    const refused = await graphql(
      t.app,
      other.adminToken,
      CREATE_COHORTS(['A', 'B', 'C', 'D', 'E', 'F']),
    );
    expect(errorCode(refused)).toBe('RATE_LIMITED');
    const cohorts = ok(
      await graphql(
        t.app,
        other.adminToken,
        `
          {
            cohorts {
              id
            }
          }
        `,
      ),
    );
    expect(cohorts.cohorts).toEqual([]);
  });

  it('shares one budget across the users of an institution, and not across institutions', async () => {
    const fresh = await newInstitution(t);
    const alice = await fresh.advisorToken('alice');
    const bob = await fresh.advisorToken('bob');
    expect((await post(alice, ME(5))).status).toBe(200);
    expect((await post(bob, ME(3))).status).toBe(200);
    const refused = await post(bob, ME(1));
    expect(refused.status).toBe(429);
    expect(refused.body.errors[0].message).toMatch(/institution/);

    const outsider = await (await newInstitution(t)).advisorToken('carol');
    expect((await post(outsider, ME(1))).status).toBe(200);
  });

  it('charges HTTP exports too', async () => {
    const fresh = await newInstitution(t);
    const token = await fresh.advisorToken('exporter');
    expect((await post(token, ME(5))).status).toBe(200);
    const response = await request(t.app.getHttpServer())
      .get('/exports/me.json')
      .set('Authorization', `Bearer ${token}`);
    expect(response.status).toBe(429);
    expect(response.body.error.code).toBe('RATE_LIMITED');
    expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });

  it('charges each aliased dashboard computation, not only the root fields', async () => {
    const fresh = await newInstitution(t);
    const cohortId = ok(await graphql(t.app, fresh.adminToken, CREATE_COHORTS(['Fall'])))['c0']
      .cohort.id as string;
    // 1 spent; a root field with its dashboard costs 2.
    const one = await post(fresh.adminToken, DASHBOARDS(cohortId, 1));
    expect(one.status).toBe(200);
    expect(one.body.data.c0.dashboard).toEqual({ students: 0 });
    // 3 spent; two more dashboards cost 4, which counting root fields alone (2) would allow.
    const two = await post(fresh.adminToken, DASHBOARDS(cohortId, 2));
    expect(two.status).toBe(429);
    expect(two.body.errors[0].extensions.code).toBe('RATE_LIMITED');
  });

  it('charges costly fields in a nested list once per item of the page asked for', async () => {
    const token = (await newInstitution(t)).adminToken;
    // cohorts 1 + students 1 + 3 replays = 5: the whole budget.
    expect((await post(token, REPLAYED_PAGE(3))).status).toBe(200);
    const fresh = (await newInstitution(t)).adminToken;
    // 1 + 1 + 4 replays = 6 > 5, though it is one root field.
    const refused = await post(fresh, REPLAYED_PAGE(4));
    expect(refused.status).toBe(429);
    expect(refused.body.errors[0].extensions.code).toBe('RATE_LIMITED');
  });

  it('charges callers without a token by their address, from the public budget', async () => {
    // A fresh instance: the /metrics scrapes above came from this address too.
    const app = await startInstance(t.db, {
      rateLimit: {
        enabled: true,
        userOpsPerMinute: 100,
        tenantOpsPerMinute: 100,
        publicPerMinute: 5,
      },
    });
    try {
      const anonymous = () =>
        request(app.getHttpServer()).post('/graphql').send({ query: '{ health { status } }' });
      for (let i = 0; i < 5; i++) expect((await anonymous()).status).toBe(200);
      const refused = await anonymous();
      expect(refused.status).toBe(429);
      expect(refused.body.errors[0].extensions.code).toBe('RATE_LIMITED');
    } finally {
      await app.close();
    }
  });

  it('does no per-request work when off: no token is verified to charge nobody', async () => {
    const app = await startInstance(t.db, {
      rateLimit: { enabled: false, userOpsPerMinute: 1, tenantOpsPerMinute: 1, publicPerMinute: 1 },
    });
    const verified = jest.spyOn(Authenticator.prototype, 'tryAuthenticate');
    try {
      for (let i = 0; i < 3; i++) {
        const answer = await request(app.getHttpServer())
          .post('/graphql')
          .set('authorization', `Bearer ${inst.adminToken}`)
          .send({ query: ME(3) });
        expect(answer.status).toBe(200);
        await request(app.getHttpServer()).get('/health/live').expect(200);
      }
      expect(verified).not.toHaveBeenCalled();
    } finally {
      verified.mockRestore();
      await app.close();
    }
  });
});
