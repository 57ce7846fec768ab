import type { INestApplication } from '@nestjs/common';
import { signUnsubscribeToken } from '@rapport/notifications';
import request from 'supertest';
import { newInstitution } from '../support/builders';
import {
  startInstance,
  startTestApp,
  TEST_JWT_SECRET,
  TEST_UNSUBSCRIBE_SECRET,
  type TestApp,
} from '../support/test-app';

const BUDGET = 3;

describe('public endpoints (health, metrics, unsubscribe)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  /** A fresh instance, so each test starts with the whole per-address budget. */
  async function limited(
    body: (app: INestApplication) => Promise<void>,
    extra: { metricsToken?: string } = {},
  ): Promise<void> {
    const app = await startInstance(t.db, {
      rateLimit: {
        enabled: true,
        userOpsPerMinute: 100_000,
        tenantOpsPerMinute: 100_000,
        publicPerMinute: BUDGET,
      },
      auth: { secret: TEST_JWT_SECRET },
      ...extra,
    });
    try {
      await body(app);
    } finally {
      await app.close();
    }
  }

  function expectRateLimited(response: request.Response) {
    expect(response.status).toBe(429);
    expect(response.body.error.code).toBe('RATE_LIMITED');
    const retryAfter = Number(response.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
  }

  it.each(['/health/live', '/health/ready', '/metrics', '/unsubscribe?token=x'])(
    'rate limits GET %s by client address, answering 429 with Retry-After',
    async (path) => {
      await limited(async (app) => {
        for (let i = 0; i < BUDGET; i++) {
          expect((await request(app.getHttpServer()).get(path)).status).toBe(200);
        }
        expectRateLimited(await request(app.getHttpServer()).get(path));
      });
    },
  );

  it('rate limits one-click unsubscribe POSTs, forged links included, before any work', async () => {
    await limited(async (app) => {
      for (let i = 0; i < BUDGET; i++) {
        const forged = await request(app.getHttpServer()).post('/unsubscribe?token=forged');
        expect(forged.status).toBe(400);
      }
      expectRateLimited(await request(app.getHttpServer()).post('/unsubscribe?token=forged'));
    });
  });

  it('shares one budget per address across the public routes', async () => {
    await limited(async (app) => {
      await request(app.getHttpServer()).get('/health/live').expect(200);
      await request(app.getHttpServer()).get('/metrics').expect(200);
      await request(app.getHttpServer()).get('/health/ready').expect(200);
      expectRateLimited(await request(app.getHttpServer()).get('/health/live'));
    });
  });

  describe('METRICS_TOKEN', () => {
    const metricsToken = 'scrape-me-0123456789abcdef';

    it('requires Authorization: Bearer <METRICS_TOKEN> when set', async () => {
      await limited(
        async (app) => {
          const missing = await request(app.getHttpServer()).get('/metrics');
          expect(missing.status).toBe(401);
          expect(missing.headers['www-authenticate']).toMatch(/^Bearer/);
          expect(missing.text).not.toMatch(/rapport_/);
          const wrong = await request(app.getHttpServer())
            .get('/metrics')
            .set('Authorization', `Bearer ${metricsToken}x`);
          expect(wrong.status).toBe(401);
          const right = await request(app.getHttpServer())
            .get('/metrics')
            .set('Authorization', `Bearer ${metricsToken}`);
          expect(right.status).toBe(200);
          expect(right.text).toMatch(/rapport_appended_events_total/);
        },
        { metricsToken },
      );
    });

    it('leaves /metrics open when unset', async () => {
      await request(t.app.getHttpServer()).get('/metrics').expect(200);
    });
  });

  describe('repeated unsubscribe', () => {
    it('records one opt-out and one event however often an advisor unsubscribes', async () => {
      const inst = await newInstitution(t);
      const advisorId = 'repeat.advisor@example.edu';
      const token = signUnsubscribeToken(
        { tenantId: inst.tenantId, recipientId: advisorId, kind: 'advisor' },
        TEST_UNSUBSCRIBE_SECRET,
      );
      for (let i = 0; i < 3; i++) {
        const response = await request(t.app.getHttpServer())
          .post(`/unsubscribe?token=${encodeURIComponent(token)}`)
          .type('form')
          .send('List-Unsubscribe=One-Click');
        expect(response.status).toBe(200);
        expect(response.text).toBe('You will receive no more weekly digests.');
      }
      const recorded = await t.db.app.database.withTenant(inst.tenantId, async (tx) => ({
        events: await tx.query<{ type: string }>(
          `SELECT type FROM events WHERE tenant_id = $1 AND stream_id = $2`,
          [tx.tenantId, `digest-advisor-${advisorId}`],
        ),
        optouts: await tx.query(
          `SELECT 1 FROM digest_optouts WHERE tenant_id = $1 AND recipient_id = $2`,
          [tx.tenantId, advisorId],
        ),
      }));
      expect(recorded.events.map((e) => e.type)).toEqual(['DigestUnsubscribed']);
      expect(recorded.optouts).toHaveLength(1);
    });
  });
});
