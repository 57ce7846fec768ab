import { Injectable } from '@nestjs/common';
import { DomainError } from '@rapport/domain';
import { Database, EventStore } from '@rapport/event-store';
import { verifyUnsubscribeToken } from '@rapport/notifications';
import { randomUUID } from 'node:crypto';
import { CommandExecutor } from '../write/command-executor';
import { DigestRepository } from './digest.repository';
import { DigestScheduler } from './digest-scheduler.service';

/**
 * RFC 8058 one-click unsubscribe: the signed token is the authority, no login. Students get
 * their digest preference set to off through the domain (an event like any other change, none
 * when it is already off); advisors, who have no aggregate of their own, get an opt-out row and
 * an event the first time. Either way a repeated unsubscribe answers success.
 */
@Injectable()
export class UnsubscribeService {
  constructor(
    private readonly scheduler: DigestScheduler,
    private readonly executor: CommandExecutor,
    private readonly digests: DigestRepository,
    private readonly database: Database,
    private readonly store: EventStore,
  ) {}

  async unsubscribe(token: string | undefined, now = new Date()): Promise<void> {
    const payload = token ? verifyUnsubscribeToken(token, this.scheduler.unsubscribeSecret) : null;
    if (!payload) throw DomainError.validation('This unsubscribe link is not valid', 'token');
    const { tenantId, recipientId, kind } = payload;
    if (kind === 'student') {
      await this.executor.execute(
        {
          actor: {
            subject: `unsubscribe-${recipientId}`,
            tenantId,
            role: 'student',
            studentId: recipientId,
          },
          correlationId: randomUUID(),
          now,
        },
        {
          type: 'SetDigestPreference',
          data: { studentId: recipientId, preference: 'off', at: now.toISOString() },
        },
      );
      return;
    }
    await this.database.withTenant(tenantId, async (tx) => {
      // A second click on the same link changes nothing, so it records nothing either.
      if (!(await this.digests.optOut(tx, 'advisor', recipientId))) return;
      await this.store.append(
        tenantId,
        `digest-advisor-${recipientId}`,
        [
          {
            type: 'DigestUnsubscribed',
            data: { at: now.toISOString() },
            metadata: { actorId: recipientId, actorRole: 'advisor' },
          },
        ],
        { tx },
      );
    });
  }
}
