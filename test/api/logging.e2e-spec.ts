import { Writable } from 'node:stream';
import request from 'supertest';
import { newInstitution } from '../support/builders';
import { startTestApp, type TestApp } from '../support/test-app';

/** Collects the app's JSON log lines. */
function logSink() {
  const lines: Record<string, any>[] = [];
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { stream, lines, text: () => text };
}

describe('structured request logs', () => {
  const sink = logSink();
  let t: TestApp;
  let inst: Awaited<ReturnType<typeof newInstitution>>;

  beforeAll(async () => {
    t = await startTestApp({ log: { level: 'info', destination: sink.stream } });
    inst = await newInstitution(t);
  });
  afterAll(() => t.close());

  const completed = (requestId: string) =>
    sink.lines.filter((l) => l.reqId === requestId && l.msg === 'request completed');

  it('writes one JSON line per request with its id, institution, operation, status and duration', async () => {
    const response = await request(t.app.getHttpServer())
      .post('/graphql')
      .set('Authorization', `Bearer ${inst.adminToken}`)
      .set('X-Request-Id', 'req-cohorts-1')
      .send({ query: 'query MyCohorts { cohorts { id } }' })
      .expect(200);
    expect(response.headers['x-request-id']).toBe('req-cohorts-1');

    const [line] = completed('req-cohorts-1');
    expect(line).toMatchObject({
      level: 30,
      service: 'rapport',
      tenantId: inst.tenantId,
      role: 'admin',
      operationName: 'MyCohorts',
      req: { method: 'POST', path: '/graphql' },
      res: { statusCode: 200 },
    });
    expect(typeof line.responseTime).toBe('number');
    expect(completed('req-cohorts-1')).toHaveLength(1);
  });

  it('generates an id when none (or an unsafe one) is given, and records it on the events', async () => {
    const response = await request(t.app.getHttpServer())
      .post('/graphql')
      .set('Authorization', `Bearer ${inst.adminToken}`)
      .set('X-Request-Id', 'bad id; "quoted"')
      .send({
        query: `mutation { createCohort(input: { name: "Logged", term: "Fall", startDate: "2026-09-01", endDate: "2026-12-15" }) { cohort { id } } }`,
      })
      .expect(200);
    const id = response.headers['x-request-id'];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(completed(id)[0].operationName).toBe('anonymous mutation');
    const metadata = await t.db.owner.database.withTenant(inst.tenantId, (tx) =>
      tx.query<{ correlation: string }>(
        `SELECT metadata->>'correlationId' AS correlation FROM events WHERE type = 'CohortCreated'`,
      ),
    );
    expect(metadata).toEqual([{ correlation: id }]);
  });

  it('never writes tokens, query strings, variables or personal data', async () => {
    const server = t.app.getHttpServer();
    await request(server)
      .post('/graphql')
      .set('Authorization', `Bearer ${inst.adminToken}`)
      .send({
        query: `mutation($input: CreateCohortInput!) { createCohort(input: $input) { cohort { id } } }`,
        variables: {
          input: {
            name: 'Ana Diaz Secret Cohort',
            term: 'x',
            startDate: '2026-09-01',
            endDate: '2026-12-15',
          },
        },
      })
      .expect(200);
    await request(server).post('/unsubscribe?token=very-secret-unsubscribe-token');
    await request(server)
      .post('/graphql')
      .set('Authorization', 'Bearer forged.jwt.value')
      .send({ query: '{ me { subject } }' });

    const text = sink.text();
    expect(text).not.toContain(inst.adminToken);
    expect(text).not.toContain('forged.jwt.value');
    expect(text).not.toContain('very-secret-unsubscribe-token');
    expect(text).not.toContain('Ana Diaz');
    expect(text).not.toContain(`admin-${inst.slug}`); // token subjects can be e-mail addresses
    expect(sink.lines.some((l) => l.req?.path === '/unsubscribe')).toBe(true);
  });
});
