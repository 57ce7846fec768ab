import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { MetricsService } from '../metrics/metrics.service';
import { Database, EventStore, type Tx } from '@rapport/event-store';
import { isPermanentFailure, type MailTransport } from '@rapport/notifications';
import { APP_CONFIG } from '../app-config.token';
import type { AppConfig } from '../config/app-config';
import { DigestRepository, type OutboxMessage } from './digest.repository';
import { MAIL_TRANSPORT } from './mail-transport.provider';

const BATCH = 20;
// Longer than any SMTP conversation (its timeouts are 10 s): a lease that runs out means a crash.
const LEASE_SECONDS = 120;

export interface DeliveryReport {
  sent: number;
  retried: number;
  dead: number;
}

/**
 * Drains the outbox: claims due messages (any tenant), sends each, and records the outcome
 * with its event. Retries back off exponentially; a permanent refusal or too many attempts
 * make the message dead. The one window for a duplicate is a crash between the SMTP server
 * accepting the message and the row being marked sent (docs/adr/0008).
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

  /** Sends everything due now, batch after batch, until nothing is due. */
  async deliverDue(): Promise<DeliveryReport> {
    const report: DeliveryReport = { sent: 0, retried: 0, dead: 0 };
    for (;;) {
      const claimed = await this.digests.claimDue(BATCH, LEASE_SECONDS);
      if (claimed.length === 0) return report;
      const byTenant = new Map<string, string[]>();
      for (const c of claimed)
        byTenant.set(c.tenant_id, [...(byTenant.get(c.tenant_id) ?? []), c.message_id]);
      for (const [tenantId, ids] of byTenant) {
        const messages = await this.database.withTenant(tenantId, (tx) =>
          this.digests.messages(tx, ids),
        );
        // The batch goes out concurrently; each message is marked the moment it is accepted.
        const outcomes = await Promise.all(messages.map((m) => this.deliver(tenantId, m)));
        for (const outcome of outcomes) {
          report[outcome]++;
          this.metrics?.digests.inc({ outcome });
        }
      }
    }
  }

  private async deliver(tenantId: string, message: OutboxMessage): Promise<keyof DeliveryReport> {
    const messageId = message.message_id;
    try {
      await this.transport.send({
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
    await this.database.withTenant(tenantId, async (tx) => {
      if (await this.digests.markSent(tx, messageId))
        await this.record(tx, message, 'DigestSent', {});
    });
    return 'sent';
  }

  private async failed(
    tenantId: string,
    message: OutboxMessage,
    error: unknown,
  ): Promise<keyof DeliveryReport> {
    const reason = error instanceof Error ? error.message.slice(0, 500) : String(error);
    const attempts = message.attempts;
    const dead = isPermanentFailure(error) || attempts >= this.config.digest.maxAttempts;
    await this.database.withTenant(tenantId, async (tx) => {
      if (dead) {
        await this.digests.markDead(tx, message.message_id, reason);
        await this.record(tx, message, 'DigestDead', { reason, attempts });
      } else {
        const retryAt = new Date(Date.now() + this.config.digest.retryBaseMs * 2 ** (attempts - 1));
        await this.digests.markRetry(tx, message.message_id, retryAt, reason);
      }
    });
    this.logger.warn(
      `${dead ? 'gave up on' : 'will retry'} digest ${message.message_id} after attempt ${attempts}: ${reason}`,
    );
    return dead ? 'dead' : 'retried';
  }

  private async record(
    tx: Tx,
    message: OutboxMessage,
    type: 'DigestSent' | 'DigestDead',
    data: object,
  ) {
    await this.store.append(
      tx.tenantId!,
      `digest-${message.recipient_kind}-${message.recipient_id}`,
      [
        {
          type,
          data: {
            week: message.week,
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
