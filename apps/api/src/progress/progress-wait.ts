import { type Database } from '@rapport/event-store';

/** The projection that `followUps`, the target, the timeline and the dashboards are read from. */
const PROGRESS_PROJECTION = 'student-progress';
/** How long a write waits for the read models before answering anyway. */
export const READ_YOUR_WRITE_MS = 5_000;
const POLL_MS = 25;

/** The tenant's newest log position now: take it before a write, then wait past it. */
export async function logHead(database: Database, tenantId: string): Promise<number> {
  const [row] = await database.withTenant(tenantId, (tx) =>
    tx.query<{ head: string }>(
      `SELECT coalesce(max(global_position), 0)::text AS head FROM events WHERE tenant_id = $1`,
      [tx.tenantId],
    ),
  );
  return Number(row.head);
}

/**
 * True once every event of this tenant written after `before` and visible now (the caller's
 * among them) sorts at or before the progress projection's checkpoint; false after the deadline.
 */
export async function progressCaughtUp(
  database: Database,
  tenantId: string,
  before: number,
): Promise<boolean> {
  const after = await logHead(database, tenantId);
  const deadline = Date.now() + READ_YOUR_WRITE_MS;
  for (;;) {
    const [row] = await database.withTenant(tenantId, (tx) =>
      tx.query<{ pending: boolean }>(
        `SELECT EXISTS (
           SELECT 1 FROM events e, projection_checkpoints c
            WHERE c.name = $4 AND e.tenant_id = $1
              AND e.global_position > $2 AND e.global_position <= $3
              AND (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position)
         ) AS pending`,
        [tx.tenantId, before, after, PROGRESS_PROJECTION],
      ),
    );
    if (!row.pending) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
