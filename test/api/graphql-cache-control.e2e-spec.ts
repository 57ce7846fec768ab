import { GraphQLModule } from '@nestjs/graphql';
import type { ApolloDriver } from '@nestjs/apollo';
import request from 'supertest';
import { newInstitution } from '../support/builders';
import { startTestApp, type TestApp } from '../support/test-app';

describe('GraphQL answers are never stored by a cache', () => {
  let t: TestApp;
  let inst: Awaited<ReturnType<typeof newInstitution>>;

  beforeAll(async () => {
    t = await startTestApp();
    inst = await newInstitution(t);
  });
  afterAll(() => t.close());

  const post = (body: object, token: string | null = inst.adminToken) => {
    const call = request(t.app.getHttpServer()).post('/graphql').send(body);
    return token ? call.set('Authorization', `Bearer ${token}`) : call;
  };

  it('says cache-control: no-store on a query, a mutation and an error', async () => {
    const query = await post({ query: '{ cohorts { id } }' }).expect(200);
    expect(query.body.errors).toBeUndefined();
    expect(query.headers['cache-control']).toBe('no-store');

    const mutation = await post({
      query: `mutation { createCohort(input: { name: "Kept", term: "Fall", startDate: "2026-09-01", endDate: "2026-12-15" }) { cohort { id } } }`,
    }).expect(200);
    expect(mutation.body.data.createCohort.cohort.id).toBeTruthy();
    expect(mutation.headers['cache-control']).toBe('no-store');

    const refused = await post({ query: '{ cohorts { id } }' }, null);
    expect(refused.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(refused.headers['cache-control']).toBe('no-store');
  });

  it("runs without Apollo's cache-control plugin (a hook on every field) or inline tracing", () => {
    const apollo = t.app.get<GraphQLModule<ApolloDriver>>(GraphQLModule).graphQlAdapter.instance;
    const plugins = (
      apollo as unknown as {
        internals: {
          plugins: { __internal_plugin_id__?: string; __is_disabled_plugin__?: boolean }[];
        };
      }
    ).internals.plugins;
    const active = (id: string) =>
      plugins.filter((p) => p.__internal_plugin_id__ === id && !p.__is_disabled_plugin__);
    expect(active('CacheControl')).toEqual([]);
    expect(active('InlineTrace')).toEqual([]);
  });
});
