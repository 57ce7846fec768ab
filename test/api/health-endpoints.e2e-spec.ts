import { EventStore } from '@rapport/event-store';
import request from 'supertest';
import { newEvent, newTenant } from '../support/builders';
import { caughtUp } from '../support/projections';
import { startInstance, type TestApp, startTestApp } from '../support/test-app';

describe('health endpoints', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('answers live and ready without a token when the database is up and projections keep up', async () => {
    await request(t.app.getHttpServer()).get('/health/live').expect(200);
    const ready = await request(t.app.getHttpServer()).get('/health/ready').expect(200);
    expect(ready.body.info).toMatchObject({
      database: { status: 'up' },
      projections: { status: 'up' },
    });
  });

  it('is not ready while an async projection lags more than the limit', async () => {
    // No lag allowed at all: any committed, unprojected event makes the instance unready.
    const strict = await startInstance(t.db, { readiness: { maxProjectionLagSeconds: 0 } });
    try {
      const tenant = (await newTenant(t.db.worker.database)).tenantId;
      await new EventStore(t.db.app.database).append(tenant, 'student-lagging', [
        newEvent('StudentRegistered', {
          studentId: 'lagging',
          cohortId: 'c',
          careerInterests: [],
          digestPreference: 'weekly',
          personal: { name: 'L', email: 'l@example.org' },
          at: new Date().toISOString(),
        }),
      ]);
      const ready = await request(strict.getHttpServer()).get('/health/ready').expect(503);
      expect(ready.body.error.projections).toMatchObject({
        status: 'down',
        message: 'projections lag',
      });

      await caughtUp(t.app);
      await request(strict.getHttpServer()).get('/health/ready').expect(200);
    } finally {
      await strict.close();
    }
  });
});
