import type { IdentityLinked, StaffMemberErased, StudentErased } from '@rapport/domain';
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
 * another person is ignored), live and in a rebuild alike. An erased person's links go, and a
 * link whose subject reads erased ('') is never made (docs/adr/0025).
 */
export const identityLinksProjection: Projection = {
  name: 'identity-links',
  mode: 'inline',
  tables: [IDENTITY_LINKS],
  eventTypes: ['IdentityLinked', 'StudentErased', 'StaffMemberErased'],

  async apply(events: readonly RecordedEvent[], { tx, table, rebuild }: ProjectionContext) {
    const writer = writerOf(tx, rebuild);
    // In log order: a link recorded before the erasure is inserted, then deleted with it.
    let links: RecordedEvent<IdentityLinked['data']>[] = [];
    const flush = async () => {
      if (links.length === 0) return;
      await insertValues(
        writer,
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
        links.map(({ data, recordedAt }) => [
          data.issuer,
          data.personal.subject,
          data.personId,
          data.role,
          recordedAt.toISOString(),
        ]),
      );
      links = [];
    };
    for (const event of events) {
      if (event.type === 'IdentityLinked') {
        const link = event as RecordedEvent<IdentityLinked['data']>;
        if (link.data.personal.subject !== '') links.push(link);
        continue;
      }
      await flush();
      const data = event.data as StudentErased['data'] | StaffMemberErased['data'];
      const personId = 'studentId' in data ? data.studentId : data.staffId;
      await writer.query(
        `DELETE FROM ${table(IDENTITY_LINKS)} WHERE tenant_id = $1 AND person_id = $2`,
        [tx.tenantId, personId],
      );
    }
    await flush();
  },
};
