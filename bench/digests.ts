/**
 * Digest delivery: N rendered digests in the outbox, drained by the real DigestDelivery to a
 * real SMTP server on loopback running in a child process (smtp-sink.process.cjs, so the sink
 * does not share the event loop being measured). Baseline, in the same run and to the same
 * sink: nodemailer alone sending the same N messages (pooled, 20 in flight, as DigestDelivery
 * keeps 20 in flight), without our database (no claim, no mark-sent, no DigestSent event).
 */
import { EventStore, type DatabaseHandle, Tenants } from '@rapport/event-store';
import { renderStudentDigest, smtpTransport, studentDigest } from '@rapport/notifications';
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import type { AppConfig } from '../apps/api/src/config/app-config';
import { DigestDelivery } from '../apps/api/src/digest/digest-delivery.service';
import { DigestRepository } from '../apps/api/src/digest/digest.repository';
import {
  type Args,
  DB_NAME,
  dropDatabase,
  freshDatabase,
  log,
  MB,
  record,
  sampledRss,
} from './harness';

const FROM = 'Rapport <digest@rapport.test>';
const IN_FLIGHT = 20;

interface Sink {
  child: ChildProcess;
  port: number;
  count(): Promise<number>;
}

/** A sink in another process: accepts everything, counts messages, reports its port. */
function startSink(): Promise<Sink> {
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

function renderedDigest() {
  const content = studentDigest({
    studentName: 'Ada Student',
    institutionName: 'Bench University',
    zone: 'America/Chicago',
    appUrl: 'https://rapport.test',
    studentId: randomUUID(),
    links: {
      tenantId: randomUUID(),
      digestId: randomUUID(),
      secret: 'bench-link-secret',
      issuedAt: new Date('2026-11-26T15:00:00.000Z'),
    },
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
  return renderStudentDigest(content, {
    unsubscribeUrl: 'https://rapport.test/unsubscribe?token=x',
  });
}

/** nodemailer alone: the same messages straight to the sink, IN_FLIGHT at a time. */
async function nodemailerAlone(port: number, messages: number): Promise<number> {
  const rendered = renderedDigest();
  const transporter = createTransport({ host: '127.0.0.1', port, pool: true, maxConnections: 5 });
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < messages) {
        const n = ++next;
        await transporter.sendMail({
          from: FROM,
          to: `student${n}@bench.test`,
          subject: rendered.subject,
          html: rendered.html,
          text: rendered.text,
          headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
          messageId: `<${randomUUID()}@rapport>`,
        });
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  transporter.close();
  return messages / seconds;
}

async function ours(
  handle: DatabaseHandle,
  port: number,
  messages: number,
): Promise<{ rate: number; sent: number }> {
  const database = handle.database;
  // Creating a tenant and claiming the outbox are the worker role's (docs/adr/0011).
  const worker = await handle.as('worker');
  const tenant = await new Tenants(worker.database).create({
    slug: `bench-${randomUUID().slice(0, 8)}`,
    name: 'Bench University',
  });
  const rendered = renderedDigest();
  await database.withTenant(tenant.tenantId, (tx) =>
    tx.query(
      `INSERT INTO outbox (tenant_id, message_id, recipient_kind, recipient_id, week, to_address, subject, html, text, headers)
       SELECT $1, gen_random_uuid(), 'student', 's' || n, '2026-W49', 'student' || n || '@bench.test', $2, $3, $4,
              '{"List-Unsubscribe-Post":"List-Unsubscribe=One-Click"}'::jsonb
         FROM generate_series(1, $5) AS n`,
      [tx.tenantId, rendered.subject, rendered.html, rendered.text, messages],
    ),
  );
  const appConfig = {
    mail: { from: FROM },
    digest: { maxAttempts: 3, retryBaseMs: 1000 },
  } as AppConfig;
  const transport = smtpTransport(`smtp://127.0.0.1:${port}`);
  const delivery = new DigestDelivery(
    appConfig,
    transport,
    database,
    new EventStore(database),
    new DigestRepository(database, worker.database),
  );
  const started = performance.now();
  const report = await delivery.deliverDue();
  const seconds = (performance.now() - started) / 1000;
  await transport.close();
  await worker.close();
  return { rate: report.sent / seconds, sent: report.sent };
}

export async function digestsWorkload(args: Args): Promise<void> {
  log('\n== digests ==');
  const name = `${DB_NAME}_digests`;
  const messages = args.digests;
  const { app, owner } = await freshDatabase(name, 30);
  await owner.close();
  const sink = await startSink();
  try {
    // Warm-up of both paths (connections, JIT), then the baseline and ours back to back.
    await nodemailerAlone(sink.port, 100);
    const base = await sampledRss(() => nodemailerAlone(sink.port, messages), 100);
    const mine = await sampledRss(() => ours(app, sink.port, messages), 100);
    const received = await sink.count();
    const expected = 100 + 2 * messages;
    log(`  sent ${mine.result.sent}; the sink received ${received} of ${expected} (both runs)`);
    if (mine.result.sent !== messages || received !== expected)
      throw new Error(
        `digests: sent ${mine.result.sent}/${messages}, sink got ${received}/${expected}`,
      );
    record('digests', `digests: ${messages} to a loopback SMTP sink`, 'mails/s', mine.result.rate, {
      baseline: { name: 'nodemailer alone, same messages, no database', value: base.result },
      goal: { kind: 'min', of: 'value', target: 500 },
    });
    record('digests', 'digests: peak RSS of the process while sending', 'MB', mine.peak / MB, {
      baseline: { name: 'peak RSS, nodemailer alone', value: base.peak / MB },
      goal: { kind: 'max', of: 'value', target: 256 },
      note: `RSS before sending ${(mine.before / MB).toFixed(0)} MB`,
    });
  } finally {
    sink.child.kill();
    await app.close();
    await dropDatabase(name);
  }
}
