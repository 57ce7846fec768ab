/**
 * Digest delivery throughput: 10,000 rendered digests in the outbox, drained by the real
 * DigestDelivery to a real SMTP server on loopback running in a child process (so the sink
 * does not share the event loop being measured). Prints mails/s and peak RSS.
 *
 *   npm run bench:digests            (BENCH_DATABASE_URL, default the local PostgreSQL)
 */
import {
  type DatabaseConfig,
  EventStore,
  openDatabase,
  Tenants,
  bootstrapSql,
} from '@rapport/event-store';
import { renderStudentDigest, smtpTransport, studentDigest } from '@rapport/notifications';
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import type { AppConfig } from '../apps/api/src/config/app-config';
import { migrations } from '../apps/api/src/database/migrations';
import { DigestDelivery } from '../apps/api/src/digest/digest-delivery.service';
import { DigestRepository } from '../apps/api/src/digest/digest.repository';

const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DB = process.env.BENCH_DB ?? 'rapport_bench_digests';
const MESSAGES = Number(process.env.BENCH_DIGESTS ?? 10_000);

async function admin(url: string, sql: string) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function dbUrl(role?: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${DB}`;
  if (role) {
    url.username = role;
    url.password = role;
  }
  return url.toString();
}

/** A sink in another process: accepts everything, counts messages, reports its port. */
function startSink(): Promise<{ child: ChildProcess; port: number; count: () => Promise<number> }> {
  const child = fork(join(process.cwd(), 'bench', 'smtp-sink.process.cjs'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve) => {
    child.once('message', (message: { port: number }) => {
      resolve({
        child,
        port: message.port,
        count: () =>
          new Promise((done) => {
            child.once('message', (m: { count: number }) => done(m.count));
            child.send('count');
          }),
      });
    });
  });
}

test('digest delivery throughput', async () => {
  await admin(ADMIN_URL, `DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin(ADMIN_URL, `CREATE DATABASE ${DB}`);
  await admin(dbUrl(), bootstrapSql(DB));
  const config: DatabaseConfig = {
    mode: 'server',
    url: dbUrl('rapport_app'),
    ownerUrl: dbUrl('rapport_owner'),
    poolSize: 30,
  };
  const handle = await openDatabase(config, { role: 'app', migrate: migrations });
  const database = handle.database;
  const tenant = await new Tenants(database).create({ slug: 'bench', name: 'Bench University' });

  // One realistic rendered digest, stored for every recipient (rendering is not what is measured).
  const content = studentDigest({
    studentName: 'Ada Student',
    institutionName: 'Bench University',
    zone: 'America/Chicago',
    appUrl: 'https://rapport.test',
    studentId: randomUUID(),
    followUps: [
      {
        kind: 'thank_you',
        openedAt: '2026-11-20T15:00:00.000Z',
        dueAt: '2026-11-23T15:00:00.000Z',
        overdue: true,
        interviewId: 'i1',
        contactId: 'c1',
      },
      {
        kind: 'nudge',
        openedAt: '2026-11-20T15:00:00.000Z',
        dueAt: '2026-11-27T15:00:00.000Z',
        overdue: false,
        interviewId: 'i2',
        contactId: 'c2',
      },
      {
        kind: 'reach_target',
        openedAt: '2026-09-07T00:00:00.000Z',
        dueAt: '2026-12-15T00:00:00.000Z',
        overdue: false,
        remaining: 2,
      },
    ],
    contactLabels: { c1: 'Dana Fox (City Hospital)', c2: 'Ray Lee (Brightline Software)' },
    interviewContacts: { i1: 'c1', i2: 'c2' },
    interviewTarget: 3,
  })!;
  const rendered = renderStudentDigest(content, {
    unsubscribeUrl: 'https://rapport.test/unsubscribe?token=x',
  });
  await database.withTenant(tenant.tenantId, (tx) =>
    tx.query(
      `INSERT INTO outbox (tenant_id, message_id, recipient_kind, recipient_id, week, to_address, subject, html, text, headers)
       SELECT $1, gen_random_uuid(), 'student', 's' || n, '2026-W49', 'student' || n || '@bench.test', $2, $3, $4,
              '{"List-Unsubscribe-Post":"List-Unsubscribe=One-Click"}'::jsonb
         FROM generate_series(1, $5) AS n`,
      [tx.tenantId, rendered.subject, rendered.html, rendered.text, MESSAGES],
    ),
  );

  const sink = await startSink();
  const appConfig = {
    mail: { from: 'Rapport <digest@rapport.test>' },
    digest: { maxAttempts: 3, retryBaseMs: 1000 },
  } as AppConfig;
  const transport = smtpTransport(`smtp://127.0.0.1:${sink.port}`);
  const delivery = new DigestDelivery(
    appConfig,
    transport,
    database,
    new EventStore(database),
    new DigestRepository(database),
  );

  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 100);
  const started = performance.now();
  const report = await delivery.deliverDue();
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const received = await sink.count();
  sink.child.kill();
  await transport.close();
  await handle.close();

  const rate = report.sent / seconds;
  const results = [
    {
      name: `digests: ${MESSAGES} to a loopback SMTP server`,
      unit: 'mails/s',
      value: rate,
      baseline: { name: 'goal', value: 500, ratio: rate / 500 },
    },
    {
      name: 'digests: peak RSS while sending',
      unit: 'MB',
      value: peak / 2 ** 20,
      baseline: { name: 'goal (max)', value: 256, ratio: peak / 2 ** 20 / 256 },
    },
  ];
  console.log(
    `sent ${report.sent} (sink received ${received}) in ${seconds.toFixed(1)} s: ${rate.toFixed(0)} mails/s, peak RSS ${(peak / 2 ** 20).toFixed(0)} MB`,
  );
  writeFileSync(
    join(process.cwd(), 'bench', 'digests-results.json'),
    JSON.stringify(results, null, 2),
  );
  expect(report.sent).toBe(MESSAGES);
  expect(received).toBe(MESSAGES);
});
