import { Injectable } from '@nestjs/common';
import { DomainError } from '@rapport/domain';
import type { Actor } from '../auth/actor';
import { AccessService } from '../access/access.service';
import { DigestRepository, type OutboxMessage } from './digest.repository';
import type { DeadDigest, DigestRun } from './dto/digest.model';

/** What admins see of the digests, and the resend of dead messages. */
@Injectable()
export class DigestAdminService {
  constructor(
    private readonly digests: DigestRepository,
    private readonly access: AccessService,
  ) {}

  async runs(actor: Actor, limit: number): Promise<DigestRun[]> {
    this.access.requireRole(actor, 'admin');
    const weeks = await this.digests.weeks(actor.tenantId, Math.min(Math.max(limit, 1), 52));
    return Promise.all(
      weeks.map(async (w) => ({
        week: w.week,
        startedAt: w.started_at,
        completedAt: w.completed_at,
        scheduled: w.scheduled,
        sent: w.sent,
        pending: w.pending,
        failed: w.retrying,
        dead: w.dead,
        deadMessages:
          w.dead > 0 ? (await this.digests.deadMessages(actor.tenantId, w.week)).map(toDead) : [],
      })),
    );
  }

  async resend(actor: Actor, messageId: string): Promise<DeadDigest> {
    this.access.requireRole(actor, 'admin');
    const message = await this.digests.resend(actor.tenantId, messageId);
    if (!message) throw DomainError.notFound(`No dead digest ${messageId}`, 'messageId');
    return toDead(message);
  }
}

function toDead(message: OutboxMessage): DeadDigest {
  return {
    messageId: message.message_id,
    recipientKind: message.recipient_kind,
    recipientId: message.recipient_id,
    to: message.to_address,
    attempts: message.attempts,
    lastError: message.last_error,
  };
}
