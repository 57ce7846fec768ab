import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { MetricsService } from '../metrics/metrics.service';
import { Database, EventStore, type Tx } from '@rapport/event-store';
import { isPermanentFailure, type MailSession, type MailTransport } from '@rapport/notifications';
import { APP_CONFIG } from '../app-config.token';
import type { AppConfig } from '../config/app-config';
import { deliveryFailure, describeFailure } from './delivery-failure';
import { DigestRepository, type OutboxMessage } from './digest.repository';
import { MAIL_TRANSPORT } from './mail-transport.provider';

// Longer than any SMTP conversation (its timeouts are 10 s): a lease that runs out means a crash.
const LEASE_SECONDS = 120;
const DEFAULT_CONCURRENCY = 16;
/** At most this many sent messages are marked in one transaction. */
const MARK_BATCH = 50;
/** Senders wait for their own marking once this many accepted messages are not marked yet. */
const MAX_UNMARKED = 2 * MARK_BATCH;

export interface DeliveryReport {
  sent: number;
  retried: number;
  dead: number;
}

interface Claimed {
  tenantId: string;
  message: OutboxMessage;
}

/**
 * Drains the outbox: claims due messages (any tenant), sends each, and records the outcome
 * with its event. Retries back off exponentially; a permanent refusal or too many attempts
 * make the message dead.
 *
 * `sendConcurrency` senders run at once, each with its own SMTP session (one connection reused
 * for message after message), so a failure belongs to exactly the message that met it.
 * Messages are claimed a few per sender at a time, so leases stay short and memory flat.
 * Accepted messages are marked sent in one transaction per tenant for all those accepted while
 * the previous marking ran (at most MARK_BATCH). The one window for a duplicate is a crash
 * between the SMTP server accepting a message and its batch being marked (docs/adr/0008).
 */
@Injectable()
export class DigestDelivery {
  private readonly logger = new Logger('DigestDelivery');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MAIL_TRANSPORT) private readonly transport: MailTransport,
    private readonly database: Database,
    private readonly store: EventStore,
    private readonly digests: DigestRepository,
    @Optional() private readonly metrics?: MetricsService,
  ) {}

  /** Sends everything due now until nothing is due. */
  async deliverDue(): Promise<DeliveryReport> {
    const report: DeliveryReport = { sent: 0, retried: 0, dead: 0 };
    const senders = this.config.digest.sendConcurrency ?? DEFAULT_CONCURRENCY;
    const marker = new SentMarker((tenantId, messages) => this.markSent(tenantId, messages));
    const queue: Claimed[] = [];
    let exhausted = false;
    let claiming: Promise<void> | null = null;
    // The first error that stops the run (claiming or marking); sending stops, then it is thrown.
    const stop: { failure: { error: unknown } | null } = { failure: null };
    const fail = (error: unknown) => {
      stop.failure ??= { error };
    };

    const claim = async () => {
      const claimed = await this.digests.claimDue(2 * senders, LEASE_SECONDS);
      if (claimed.length === 0) exhausted = true;
      const byTenant = new Map<string, string[]>();
      for (const c of claimed)
        byTenant.set(c.tenant_id, [...(byTenant.get(c.tenant_id) ?? []), c.message_id]);
      for (const [tenantId, ids] of byTenant) {
        const messages = await this.database.withTenant(tenantId, (tx) =>
          this.digests.messages(tx, ids),
        );
        for (const message of messages) queue.push({ tenantId, message });
      }
    };
    /** The next message to send; claims more ahead of need; null when nothing is left. */
    const next = async (): Promise<Claimed | null> => {
      for (;;) {
        if (stop.failure) return null;
        if (!claiming && !exhausted && queue.length < senders)
          claiming = claim()
            .catch(fail)
            .finally(() => (claiming = null));
        const item = queue.shift();
        if (item) return item;
        if (!claiming) return null;
        await claiming;
      }
    };
    const sender = async () => {
      const session = this.transport.session();
      try {
        for (let item = await next(); item; item = await next()) {
          const outcome = await this.deliver(session, marker, item).catch((error: unknown) => {
            fail(error);
            return null;
          });
          if (!outcome) continue;
          report[outcome]++;
          this.metrics?.digests.inc({ outcome });
        }
      } finally {
        await session.close();
      }
    };

    await Promise.all(Array.from({ length: senders }, sender));
    await marker.drain().catch(fail);
    if (stop.failure) throw stop.failure.error;
    return report;
  }

  private async deliver(
    session: MailSession,
    marker: SentMarker,
    { tenantId, message }: Claimed,
  ): Promise<keyof DeliveryReport> {
    try {
      await session.send({
        from: this.config.mail.from,
        to: message.to_address,
        subject: message.subject,
        html: message.html,
        text: message.text,
        headers: message.headers,
        messageId: `<${message.message_id}@rapport>`,
      });
    } catch (error) {
      return this.failed(tenantId, message, error);
    }
    const marked = marker.add(tenantId, message);
    // Marking runs behind sending, but never far behind: that gap is the duplicate window.
    if (marker.unmarked > MAX_UNMARKED) await marked;
    else marked.catch(() => undefined); // drain() reports it
    return 'sent';
  }

  /** One transaction: the accepted messages still being sent become sent, each with its event. */
  private async markSent(tenantId: string, messages: readonly OutboxMessage[]): Promise<void> {
    await this.database.withTenant(tenantId, async (tx) => {
      const marked = await this.digests.markSent(
        tx,
        messages.map((m) => m.message_id),
      );
      for (const message of messages)
        if (marked.has(message.message_id)) await this.record(tx, message, 'DigestSent', {});
    });
  }

  private async failed(
    tenantId: string,
    message: OutboxMessage,
    error: unknown,
  ): Promise<keyof DeliveryReport> {
    // The server's text may echo the recipient's address or name: only its codes are kept.
    const reason = deliveryFailure(error);
    const described = describeFailure(reason);
    const attempts = message.attempts;
    const dead = isPermanentFailure(error) || attempts >= this.config.digest.maxAttempts;
    await this.database.withTenant(tenantId, async (tx) => {
      if (dead) {
        await this.digests.markDead(tx, message.message_id, described);
        await this.record(tx, message, 'DigestDead', { reason, attempts });
      } else {
        const retryAt = new Date(Date.now() + this.config.digest.retryBaseMs * 2 ** (attempts - 1));
        await this.digests.markRetry(tx, message.message_id, retryAt, described);
      }
    });
    this.logger.warn(
      `${dead ? 'gave up on' : 'will retry'} digest ${message.message_id} after attempt ${attempts}: ${described}`,
    );
    return dead ? 'dead' : 'retried';
  }

  /** Digests are recorded per recipient and week; other messages per recipient, with their kind. */
  private async record(
    tx: Tx,
    message: OutboxMessage,
    type: 'DigestSent' | 'DigestDead',
    data: object,
  ) {
    const digest = message.kind === 'digest';
    await this.store.append(
      tx.tenantId!,
      digest
        ? `digest-${message.recipient_kind}-${message.recipient_id}`
        : `mail-${message.recipient_kind}-${message.recipient_id}`,
      [
        {
          type: digest ? type : type === 'DigestSent' ? 'MailSent' : 'MailDead',
          data: {
            ...(digest ? { week: message.week } : { kind: message.kind }),
            messageId: message.message_id,
            ...data,
            at: new Date().toISOString(),
          },
          metadata: {
            actorId: 'digest-delivery',
            actorRole: 'system',
            correlationId: message.message_id,
          },
        },
      ],
      { tx },
    );
  }
}

/**
 * Batches the marking of accepted messages per tenant, like a group commit: messages accepted
 * in the same round of I/O callbacks are marked in one transaction, and those accepted while it
 * runs go together in the next one (at most MARK_BATCH each), so a batch adds no waiting of its
 * own beyond the marking transaction in front of it.
 */
class SentMarker {
  unmarked = 0;
  private readonly waiting = new Map<
    string,
    { message: OutboxMessage; resolve: () => void; reject: (error: unknown) => void }[]
  >();
  private readonly flushing = new Map<string, Promise<void>>();
  private firstError: { error: unknown } | null = null;

  constructor(
    private readonly mark: (tenantId: string, messages: readonly OutboxMessage[]) => Promise<void>,
  ) {}

  add(tenantId: string, message: OutboxMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      const list = this.waiting.get(tenantId) ?? [];
      list.push({ message, resolve, reject });
      this.waiting.set(tenantId, list);
      this.unmarked++;
      this.schedule(tenantId);
    });
  }

  /** Waits until everything added is marked; rejects with the first marking error. */
  async drain(): Promise<void> {
    while (this.flushing.size > 0) await Promise.all(this.flushing.values());
    if (this.firstError) throw this.firstError.error;
  }

  /** One flush per tenant at a time; one added while it finishes gets a flush of its own. */
  private schedule(tenantId: string): void {
    if (this.flushing.has(tenantId)) return;
    const flushed = this.flush(tenantId).finally(() => {
      this.flushing.delete(tenantId);
      if (this.waiting.has(tenantId)) this.schedule(tenantId);
    });
    this.flushing.set(tenantId, flushed);
  }

  private async flush(tenantId: string): Promise<void> {
    // Starts after the current round of I/O callbacks, so replies that arrived together are
    // marked together.
    await new Promise((resolve) => setImmediate(resolve));
    for (;;) {
      const list = this.waiting.get(tenantId);
      if (!list || list.length === 0) {
        this.waiting.delete(tenantId);
        return;
      }
      const batch = list.splice(0, MARK_BATCH);
      try {
        await this.mark(
          tenantId,
          batch.map((b) => b.message),
        );
        for (const b of batch) b.resolve();
      } catch (error) {
        this.firstError ??= { error };
        for (const b of batch) b.reject(error);
      } finally {
        this.unmarked -= batch.length;
      }
    }
  }
}
