import { Injectable } from '@nestjs/common';
import { EventStore } from '@rapport/event-store';
import { deterministicUuid } from '../common/ids';

/** How a student came back from a digest. */
export type DigestOpenedVia = 'week-link' | 'action-link';

/**
 * Records that a student came back through one of a digest's links, once per digest: the
 * event id is derived from the digest, so a second visit is recognised by the store.
 */
@Injectable()
export class DigestTrackingService {
  constructor(private readonly store: EventStore) {}

  async opened(
    tenantId: string,
    studentId: string,
    digestId: string,
    via: DigestOpenedVia,
    now: Date,
  ): Promise<void> {
    await this.store.append(tenantId, `digest-student-${studentId}`, [
      {
        eventId: deterministicUuid(`${tenantId}|digest-opened|${digestId}`),
        type: 'DigestOpened',
        data: { messageId: digestId, via, at: now.toISOString() },
        metadata: { actorId: studentId, actorRole: 'student', correlationId: digestId },
      },
    ]);
  }
}
