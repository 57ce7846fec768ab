import { isValidEmail, normalizeEmail } from '@rapport/domain';
import { createHash } from 'node:crypto';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { deliveryFailure, describeFailure } from '../../digest/delivery-failure';

/** Events whose top-level `advisorId` names a staff member (or, before ADR 16, a free string). */
const ADVISOR_EVENTS = [
  'AdvisorAssigned',
  'AdvisorUnassigned',
  'AdvisorNoteAdded',
  'AdvisorNoteEdited',
  'AdvisorNoteRetracted',
];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** `describeFailure` output: a kind, then its codes in parentheses. */
const DESCRIBED = /^[a-z]+(-[a-z]+)*( \([\w. ]+\))?$/;
/** Streams named after a mail recipient: `digest-advisor-<id>`, `mail-advisor-<id>`. */
const RECIPIENT_STREAM = /^(digest|mail)-advisor-(.+)$/s;

export interface HygieneReport {
  advisorIds: number;
  eventsRewritten: number;
  streamsRenamed: number;
  failureReasons: number;
}

/**
 * Nothing personal outside `data.personal` (docs/adr/0027). Rewrites, as the owner, what older
 * versions wrote there: SMTP rejection texts in DigestDead/MailDead events and
 * `outbox.last_error` become their codes (`deliveryFailure`), and free-string advisor ids from
 * before ADR 16 (often emails) become the staff id the legacy-advisors migration derives from
 * them, wherever they sit: `metadata.actorId`, `data.advisorId`, recipient stream ids, aggregate
 * states, digests, outbox, opt-outs and `student_activity`. A re-run finds nothing to change.
 */
export class IdsOnlyOutsideTheEnvelope1764700300000 implements MigrationInterface {
  name = 'IdsOnlyOutsideTheEnvelope1764700300000';

  async up(db: QueryRunner): Promise<void> {
    const tenants = (await db.query(`SELECT tenant_id FROM rapport_find_tenants(NULL)`)) as {
      tenant_id: string;
    }[];
    for (const { tenant_id: tenantId } of tenants) await cleanTenant(db, tenantId);
  }

  async down(): Promise<void> {
    // The texts and addresses are gone by design: there is nothing to put back.
  }
}

/** One institution, in the migration's transaction. */
export async function cleanTenant(db: QueryRunner, tenantId: string): Promise<HygieneReport> {
  await db.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
  const report: HygieneReport = {
    advisorIds: 0,
    eventsRewritten: 0,
    streamsRenamed: 0,
    failureReasons: 0,
  };
  const q = async <T>(sql: string, params: unknown[] = []) =>
    (await db.query(sql, [tenantId, ...params])) as T[];
  /** Runs an UPDATE and counts its rows (drivers differ in what a bare UPDATE returns). */
  const update = async (sql: string, params: unknown[]) =>
    Number(
      (
        (await db.query(`WITH changed AS (${sql} RETURNING 1) SELECT count(*) AS n FROM changed`, [
          tenantId,
          ...params,
        ])) as { n: string }[]
      )[0].n,
    );

  // Who is a staff member already: their ids are never rewritten.
  const staff = await q<{ aggregate_id: string; state: { status?: string; personal?: unknown } }>(
    `SELECT aggregate_id, state FROM aggregate_states WHERE tenant_id = $1 AND kind = 'staff'`,
  );
  const staffIds = new Set(staff.map((s) => s.aggregate_id));
  for (const { id } of await q<{ id: string }>(
    `SELECT substr(stream_id, 7) AS id FROM streams WHERE tenant_id = $1 AND stream_id LIKE 'staff-%'`,
  ))
    staffIds.add(id);
  const staffByEmail = new Map<string, string>();
  for (const s of staff) {
    const email = (s.state.personal as { email?: unknown } | undefined)?.email;
    if (typeof email === 'string' && s.state.status !== 'deactivated')
      staffByEmail.set(normalizeEmail(email), s.aggregate_id);
  }
  const isId = (value: string) => staffIds.has(value) || UUID.test(value);
  const mapping = new Map<string, string>();
  /** The staff id a free string becomes, exactly as the legacy-advisors migration derives it. */
  const staffIdFor = (legacy: string): string => {
    let id = mapping.get(legacy);
    if (!id) {
      const email = isValidEmail(legacy) ? normalizeEmail(legacy) : null;
      id = (email && staffByEmail.get(email)) ?? legacyStaffId(tenantId, email ?? legacy);
      mapping.set(legacy, id);
    }
    return id;
  };

  // 1. Actors: an advisor's free-string subject, or any email-shaped actor.
  const actors = await q<{ actor: string; role: string | null }>(
    `SELECT DISTINCT metadata->>'actorId' AS actor, metadata->>'actorRole' AS role FROM events
      WHERE tenant_id = $1 AND metadata ? 'actorId'
        AND (metadata->>'actorRole' = 'advisor' OR metadata->>'actorId' LIKE '%@%')`,
  );
  for (const { actor, role } of actors) {
    if (isId(actor) || (role !== 'advisor' && !isValidEmail(actor))) continue;
    report.eventsRewritten += await update(
      `UPDATE events SET metadata = jsonb_set(metadata, '{actorId}', to_jsonb($3::text))
        WHERE tenant_id = $1 AND metadata->>'actorId' = $2`,
      [actor, staffIdFor(actor)],
    );
  }
  // The operator's invitation used the address as its idempotency key; its correlation id is one.
  report.eventsRewritten += await update(
    `UPDATE events SET metadata = jsonb_set(metadata, '{clientMutationId}',
            to_jsonb('operator-invite-' || (metadata->>'correlationId')))
      WHERE tenant_id = $1 AND metadata->>'clientMutationId' LIKE 'operator-invite-%@%'`,
    [],
  );

  // 2. Advisor ids in event data (assignments and notes).
  for (const { advisor } of await q<{ advisor: string }>(
    `SELECT DISTINCT data->>'advisorId' AS advisor FROM events
      WHERE tenant_id = $1 AND type = ANY($2) AND data ? 'advisorId'`,
    [ADVISOR_EVENTS],
  )) {
    if (isId(advisor)) continue;
    report.eventsRewritten += await update(
      `UPDATE events SET data = jsonb_set(data, '{advisorId}', to_jsonb($4::text))
        WHERE tenant_id = $1 AND type = ANY($2) AND data->>'advisorId' = $3`,
      [ADVISOR_EVENTS, advisor, staffIdFor(advisor)],
    );
  }

  // 3. Aggregate states that hold advisor ids: cohorts' advisorIds, notes' authors.
  const states = await q<{ stream_id: string; state: unknown }>(
    `SELECT stream_id, state FROM aggregate_states
      WHERE tenant_id = $1 AND kind IN ('cohort', 'advisorNotes', 'advisor-notes')`,
  );
  for (const row of states) {
    let changed = false;
    const next = rewriteIds(row.state, (value) => {
      if (isId(value)) return value;
      changed = true;
      return staffIdFor(value);
    });
    if (changed)
      await db.query(
        `UPDATE aggregate_states SET state = $3::json WHERE tenant_id = $1 AND stream_id = $2`,
        [tenantId, row.stream_id, JSON.stringify(next)],
      );
  }

  // 4. Recipient streams named after a free string.
  const streams = await q<{ stream_id: string }>(
    `SELECT stream_id FROM streams WHERE tenant_id = $1
      AND (stream_id LIKE 'digest-advisor-%' OR stream_id LIKE 'mail-advisor-%')`,
  );
  for (const { stream_id: from } of streams) {
    const [, prefix, recipient] = RECIPIENT_STREAM.exec(from)!;
    if (isId(recipient)) continue;
    await renameStream(db, tenantId, from, `${prefix}-advisor-${staffIdFor(recipient)}`);
    report.streamsRenamed++;
  }

  // 5. Read models and delivery tables keyed by the recipient or actor.
  for (const table of ['digests', 'digest_optouts', 'outbox'] as const) {
    for (const { recipient } of await q<{ recipient: string }>(
      `SELECT DISTINCT recipient_id AS recipient FROM ${table}
        WHERE tenant_id = $1 AND recipient_kind = 'advisor'`,
    )) {
      if (isId(recipient)) continue;
      const to = staffIdFor(recipient);
      if (table === 'outbox') {
        await db.query(
          `UPDATE outbox SET recipient_id = $3 WHERE tenant_id = $1 AND recipient_kind = 'advisor' AND recipient_id = $2`,
          [tenantId, recipient, to],
        );
        continue;
      }
      // The staff id may already have its own row (a digest that week, an opt-out): it wins.
      const key = table === 'digests' ? 'week' : 'recipient_kind';
      await db.query(
        `DELETE FROM ${table} old WHERE tenant_id = $1 AND recipient_kind = 'advisor' AND recipient_id = $2
            AND EXISTS (SELECT 1 FROM ${table} cur WHERE cur.tenant_id = old.tenant_id
                         AND cur.recipient_kind = 'advisor' AND cur.recipient_id = $3 AND cur.${key} = old.${key})`,
        [tenantId, recipient, to],
      );
      await db.query(
        `UPDATE ${table} SET recipient_id = $3 WHERE tenant_id = $1 AND recipient_kind = 'advisor' AND recipient_id = $2`,
        [tenantId, recipient, to],
      );
    }
  }
  for (const { actor, role } of await q<{ actor: string; role: string | null }>(
    `SELECT DISTINCT actor_id AS actor, actor_role AS role FROM student_activity
      WHERE tenant_id = $1 AND (actor_role = 'advisor' OR actor_id LIKE '%@%')`,
  )) {
    if (isId(actor) || (role !== 'advisor' && !isValidEmail(actor))) continue;
    await db.query(
      `UPDATE student_activity SET actor_id = $3 WHERE tenant_id = $1 AND actor_id = $2`,
      [tenantId, actor, staffIdFor(actor)],
    );
  }

  // 6. SMTP rejection texts: only their codes stay.
  for (const event of await q<{ global_position: string; reason: string }>(
    `SELECT global_position, data->>'reason' AS reason FROM events
      WHERE tenant_id = $1 AND type IN ('DigestDead', 'MailDead') AND jsonb_typeof(data->'reason') = 'string'`,
  )) {
    await db.query(
      `UPDATE events SET data = jsonb_set(data, '{reason}', $3::jsonb)
        WHERE tenant_id = $1 AND global_position = $2`,
      [tenantId, event.global_position, JSON.stringify(deliveryFailure(event.reason))],
    );
    report.failureReasons++;
  }
  for (const row of await q<{ message_id: string; last_error: string }>(
    `SELECT message_id, last_error FROM outbox WHERE tenant_id = $1 AND last_error IS NOT NULL`,
  )) {
    if (DESCRIBED.test(row.last_error)) continue;
    await db.query(`UPDATE outbox SET last_error = $3 WHERE tenant_id = $1 AND message_id = $2`, [
      tenantId,
      row.message_id,
      describeFailure(deliveryFailure(row.last_error)),
    ]);
    report.failureReasons++;
  }

  report.advisorIds = mapping.size;
  return report;
}

/**
 * Moves a stream's events to a new id; when that stream exists already (a digest sent to the
 * staff id after the legacy-advisors migration), the two merge in log order and are renumbered.
 */
async function renameStream(db: QueryRunner, tenantId: string, from: string, to: string) {
  // Parked far above any version first, so no step of the renumbering meets a taken version.
  await db.query(
    `UPDATE events SET stream_id = $3, stream_version = stream_version + 1000000000000
      WHERE tenant_id = $1 AND stream_id = $2`,
    [tenantId, from, to],
  );
  await db.query(
    `UPDATE events e SET stream_version = n.version + 2000000000000
       FROM (SELECT global_position, row_number() OVER (ORDER BY global_position) AS version
               FROM events WHERE tenant_id = $1 AND stream_id = $2) n
      WHERE e.tenant_id = $1 AND e.global_position = n.global_position`,
    [tenantId, to],
  );
  await db.query(
    `UPDATE events SET stream_version = stream_version - 2000000000000 WHERE tenant_id = $1 AND stream_id = $2`,
    [tenantId, to],
  );
  const [old] = (await db.query(
    `DELETE FROM streams WHERE tenant_id = $1 AND stream_id = $2 RETURNING created_at, updated_at`,
    [tenantId, from],
  )) as { created_at: Date; updated_at: Date }[];
  await db.query(
    `INSERT INTO streams (tenant_id, stream_id, version, created_at, updated_at)
     SELECT $1, $2, count(*), $3, $4 FROM events WHERE tenant_id = $1 AND stream_id = $2
     ON CONFLICT (tenant_id, stream_id) DO UPDATE SET version = EXCLUDED.version,
       created_at = LEAST(streams.created_at, EXCLUDED.created_at),
       updated_at = GREATEST(streams.updated_at, EXCLUDED.updated_at)`,
    [tenantId, to, old?.created_at ?? new Date(), old?.updated_at ?? new Date()],
  );
  await db.query(
    `UPDATE aggregate_states SET stream_id = $3 WHERE tenant_id = $1 AND stream_id = $2`,
    [tenantId, from, to],
  );
}

/** The same state with every advisor id (advisorIds, authorId, advisorId, lastChangedBy.id) mapped. */
function rewriteIds(value: unknown, map: (id: string) => string, key = ''): unknown {
  if (Array.isArray(value)) {
    const items = value as unknown[];
    if (key === 'advisorIds')
      return [...new Set(items.map((v) => (typeof v === 'string' ? map(v) : v)))];
    return items.map((v) => rewriteIds(v, map));
  }
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => {
      if (
        typeof v === 'string' &&
        (k === 'authorId' || k === 'advisorId' || (key === 'lastChangedBy' && k === 'id'))
      )
        return [k, map(v)];
      return [k, rewriteIds(v, map, k)];
    }),
  );
}

/** The legacy-advisors migration's derivation (1764400200001), copied: a migration is never edited. */
function legacyStaffId(tenantId: string, key: string): string {
  const hex = createHash('sha256').update(`${tenantId}|legacy-advisor|${key}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
