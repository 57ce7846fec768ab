import type { INestApplication } from '@nestjs/common';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import { formatSchema, SCHEMA_FILE } from '../../apps/api/src/graphql/print-schema';
import { startTestApp } from '../support/test-app';

describe('API skeleton', () => {
  let app: INestApplication;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ app, close } = await startTestApp());
  });
  afterAll(() => close());

  it('answers the health query with the database mode and projection lag', async () => {
    const response = await request(app.getHttpServer())
      .post('/graphql')
      .send({
        query: '{ health { status databaseMode projections { name lagEvents lagSeconds } } }',
      })
      .expect(200);
    expect(response.body.data.health).toMatchObject({
      status: 'ok',
      projections: expect.any(Array),
    });
    expect(['server', 'embedded']).toContain(response.body.data.health.databaseMode);
  });

  it('serves exactly the committed schema.gql', () => {
    const served = formatSchema(app.get(GraphQLSchemaHost).schema);
    expect(served).toEqual(readFileSync(SCHEMA_FILE, 'utf8'));
  });
});
