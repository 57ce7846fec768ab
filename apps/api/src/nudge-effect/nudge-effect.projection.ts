import {
  afterStep,
  closingEventTypes,
  closingStepOf,
  type DomainEvent,
  type TrackedDigest,
  type TrackedDigestItem,
  trackedDigestOf,
} from '@rapport/domain';
import {
  insertValues,
  type Projection,
  type ProjectionContext,
  type RecordedEvent,
  type SqlValue,
  writerOf,
} from '@rapport/event-store';

export const NUDGE_DIGESTS = 'nudge_digests';
export const NUDGE_DIGEST_ITEMS = 'nudge_digest_items';

/** An item as the projection follows it: the row's key beside the domain's item. */
interface OpenItem {
  digestId: string;
  itemNo: number;
  sentAt: string;
  item: TrackedDigestItem;
  /** New in this batch (inserted) or read back (updated when it closes). */
  fresh: boolean;
  dirty: boolean;
}

/**
 * Async: each student digest and its items (from DigestScheduled), its first opening
 * (DigestOpened), and the first closing step of each item with the digest it came through (the
 * step's metadata `digestId`). In commit order, with the domain's `afterStep`, so a rebuild
 * gives the same rows; instants are stored as they happened, and `asOf` filters on them.
 */
export const nudgeEffectProjection: Projection = {
  name: 'nudge-effect',
  mode: 'async',
  tables: [NUDGE_DIGESTS, NUDGE_DIGEST_ITEMS],
  eventTypes: ['DigestScheduled', 'DigestOpened', ...closingEventTypes],

  async apply(events: readonly RecordedEvent[], { tx, table, rebuild }: ProjectionContext) {
    const writer = writerOf(tx, rebuild);
    const stepStudents = new Set<string>();
    for (const event of events) {
      const step = closingStepOf(event as unknown as DomainEvent);
      if (step) stepStudents.add(step.studentId);
    }
    // One read per batch: the items still open of the students who took a step in it.
    const open = new Map<string, OpenItem[]>();
    if (stepStudents.size > 0) {
      const rows = await tx.query<{
        digest_id: string;
        item_no: number;
        student_id: string;
        kind: TrackedDigestItem['kind'];
        interview_id: string | null;
        contact_id: string | null;
        opened_at: Date;
        due_at: Date;
        sent_at: Date;
      }>(
        `SELECT digest_id, item_no, student_id, kind, interview_id, contact_id, opened_at, due_at, sent_at
           FROM ${table(NUDGE_DIGEST_ITEMS)}
          WHERE tenant_id = $1 AND student_id = ANY($2) AND done_at IS NULL
          ORDER BY sent_at, digest_id, item_no`,
        [tx.tenantId, [...stepStudents]],
      );
      for (const r of rows) {
        const list = open.get(r.student_id) ?? [];
        open.set(r.student_id, list);
        list.push({
          digestId: r.digest_id,
          itemNo: r.item_no,
          sentAt: r.sent_at.toISOString(),
          item: {
            kind: r.kind,
            ...(r.interview_id !== null ? { interviewId: r.interview_id } : {}),
            ...(r.contact_id !== null ? { contactId: r.contact_id } : {}),
            openedAt: r.opened_at.toISOString(),
            dueAt: r.due_at.toISOString(),
            doneAt: null,
            doneViaDigestId: null,
          },
          fresh: false,
          dirty: false,
        });
      }
    }

    const digests: TrackedDigest[] = [];
    const fresh: OpenItem[] = [];
    const openings = new Map<string, string>();
    for (const event of events) {
      if (event.type === 'DigestScheduled') {
        if (!event.streamId.startsWith('digest-student-')) continue;
        const digest = trackedDigestOf(event.data as Parameters<typeof trackedDigestOf>[0]);
        if (!digest) continue;
        digests.push(digest);
        const list = open.get(digest.studentId) ?? [];
        open.set(digest.studentId, list);
        digest.items.forEach((item, itemNo) => {
          const entry = {
            digestId: digest.digestId,
            itemNo,
            sentAt: digest.sentAt,
            item,
            fresh: true,
            dirty: false,
          };
          list.push(entry);
          fresh.push(entry);
        });
      } else if (event.type === 'DigestOpened') {
        const { messageId, at } = event.data as { messageId: string; at: string };
        if (!openings.has(messageId)) openings.set(messageId, new Date(at).toISOString());
      } else {
        const domainEvent = event as unknown as DomainEvent;
        const step = closingStepOf(domainEvent);
        if (!step) continue;
        const via = typeof event.metadata.digestId === 'string' ? event.metadata.digestId : null;
        for (const entry of open.get(step.studentId) ?? []) {
          const next = afterStep(entry.item, entry.sentAt, domainEvent, via);
          if (next !== entry.item) {
            entry.item = next;
            entry.dirty = true;
          }
        }
      }
    }

    await insertValues(
      writer,
      {
        table: table(NUDGE_DIGESTS),
        columns: [
          ['digest_id', 'text'],
          ['student_id', 'text'],
          ['cohort_id', 'text'],
          ['sent_at', 'timestamptz'],
        ],
        onConflict: 'ON CONFLICT DO NOTHING',
      },
      digests.map((d): SqlValue[] => [d.digestId, d.studentId, d.cohortId, d.sentAt]),
    );
    const cohortOf = new Map(digests.map((d) => [d.digestId, d]));
    await insertValues(
      writer,
      {
        table: table(NUDGE_DIGEST_ITEMS),
        columns: [
          ['digest_id', 'text'],
          ['item_no', 'int'],
          ['student_id', 'text'],
          ['cohort_id', 'text'],
          ['kind', 'text'],
          ['interview_id', 'text'],
          ['contact_id', 'text'],
          ['opened_at', 'timestamptz'],
          ['due_at', 'timestamptz'],
          ['sent_at', 'timestamptz'],
          ['done_at', 'timestamptz'],
          ['done_via_digest_id', 'text'],
        ],
        onConflict: 'ON CONFLICT DO NOTHING',
      },
      fresh.map((e): SqlValue[] => {
        const d = cohortOf.get(e.digestId)!;
        return [
          e.digestId,
          e.itemNo,
          d.studentId,
          d.cohortId,
          e.item.kind,
          e.item.interviewId ?? null,
          e.item.contactId ?? null,
          e.item.openedAt,
          e.item.dueAt,
          e.sentAt,
          e.item.doneAt,
          e.item.doneViaDigestId,
        ];
      }),
    );
    const closed = [...open.values()].flat().filter((e) => e.dirty && !e.fresh);
    if (closed.length > 0) {
      await writer.query(
        `UPDATE ${table(NUDGE_DIGEST_ITEMS)} t
            SET done_at = c.done_at, done_via_digest_id = c.via
           FROM unnest($2::text[], $3::int[], $4::timestamptz[], $5::text[])
                AS c(digest_id, item_no, done_at, via)
          WHERE t.tenant_id = $1 AND t.digest_id = c.digest_id AND t.item_no = c.item_no
            AND t.done_at IS NULL`,
        [
          tx.tenantId,
          closed.map((e) => e.digestId),
          closed.map((e) => e.itemNo),
          closed.map((e) => e.item.doneAt),
          closed.map((e) => e.item.doneViaDigestId),
        ],
      );
    }
    if (openings.size > 0) {
      // The first opening wins: a digest opened in an earlier batch keeps that instant.
      await writer.query(
        `UPDATE ${table(NUDGE_DIGESTS)} t
            SET opened_at = o.opened_at
           FROM unnest($2::text[], $3::timestamptz[]) AS o(digest_id, opened_at)
          WHERE t.tenant_id = $1 AND t.digest_id = o.digest_id AND t.opened_at IS NULL`,
        [tx.tenantId, [...openings.keys()], [...openings.values()]],
      );
    }
  },
};
