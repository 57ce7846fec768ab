import type { IdentityLinked } from '@rapport/domain';
import {
  insertValues,
  type Projection,
  type ProjectionContext,
  type RecordedEvent,
  writerOf,
} from '@rapport/event-store';

export const IDENTITY_LINKS = 'identity_links';

/**
 * Inline: (issuer, subject) → person, in the transaction that records the link, so the next
 * request of the same account finds it. The first link of an account wins (a concurrent one for
 * another person is ignored), live and in a rebuild alike.
 */
export const identityLinksProjection: Projection = {
  name: 'identity-links',
  mode: 'inline',
  tables: [IDENTITY_LINKS],
  eventTypes: ['IdentityLinked'],

  async apply(events: readonly RecordedEvent[], { tx, table, rebuild }: ProjectionContext) {
    await insertValues(
      writerOf(tx, rebuild),
      {
        table: table(IDENTITY_LINKS),
        columns: [
          ['issuer', 'text'],
          ['subject', 'text'],
          ['person_id', 'text'],
          ['role', 'text'],
          ['linked_at', 'timestamptz'],
        ],
        onConflict: 'ON CONFLICT (tenant_id, issuer, subject) DO NOTHING',
      },
      events.map((event) => {
        const { data } = event as RecordedEvent<IdentityLinked['data']>;
        return [
          data.issuer,
          data.personal.subject,
          data.personId,
          data.role,
          event.recordedAt.toISOString(),
        ];
      }),
    );
  },
};
