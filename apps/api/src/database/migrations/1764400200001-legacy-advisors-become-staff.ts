import { isValidEmail, normalizeEmail, type StaffInvited, staffDecider } from '@rapport/domain';
import { createHash } from 'node:crypto';
import type { MigrationInterface, QueryRunner } from 'typeorm';

const MIGRATION_ACTOR = 'migration-1764400200001';

interface StateRow {
  stream_id: string;
  aggregate_id: string;
  version: string;
  state: { status: string; advisorIds?: string[]; personal?: { email: string | null } };
}

/**
 * Advisors were free strings (identity-provider subjects, often emails) in `cohort.advisorIds`;
 * now they are staff members (docs/adr/0016). For each free string still assigned to a cohort,
 * this records a staff member (StaffInvited, as the advisor) with an id derived from it, and
 * moves the cohort to that id with AdvisorUnassigned + AdvisorAssigned events: earlier events
 * stay as written. Digest opt-outs follow the advisor. Re-running finds nothing left to do.
 */
export class LegacyAdvisorsBecomeStaff1764400200001 implements MigrationInterface {
  name = 'LegacyAdvisorsBecomeStaff1764400200001';

  async up(db: QueryRunner): Promise<void> {
    const tenants = (await db.query(`SELECT tenant_id FROM rapport_find_tenants(NULL)`)) as {
      tenant_id: string;
    }[];
    for (const { tenant_id: tenantId } of tenants) await migrateTenant(db, tenantId, new Date());
  }

  async down(): Promise<void> {
    // Events are never removed: the staff members and reassignments stay in the history.
  }
}

/** One institution's free-string advisors, in the migration's transaction. */
export async function migrateTenant(db: QueryRunner, tenantId: string, now: Date): Promise<void> {
  await db.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
  const rows = (await db.query(
    `SELECT stream_id, kind, aggregate_id, version, state FROM aggregate_states
      WHERE tenant_id = $1 AND kind IN ('cohort', 'staff')`,
    [tenantId],
  )) as (StateRow & { kind: string })[];
  const staff = rows.filter((r) => r.kind === 'staff');
  const staffIds = new Set(staff.map((r) => r.aggregate_id));
  const staffByEmail = new Map<string, string>();
  for (const s of staff)
    if (s.state.status !== 'deactivated' && s.state.personal?.email)
      staffByEmail.set(s.state.personal.email, s.aggregate_id);

  const at = now.toISOString();
  const created = new Set<string>();
  for (const cohort of rows.filter((r) => r.kind === 'cohort' && r.state.status === 'active')) {
    const current = cohort.state.advisorIds ?? [];
    const legacy = current.filter((id) => !staffIds.has(id));
    if (legacy.length === 0) continue;
    const next = current.filter((id) => staffIds.has(id));
    const events: { type: string; data: object }[] = legacy.map((advisorId) => ({
      type: 'AdvisorUnassigned',
      data: { cohortId: cohort.aggregate_id, advisorId, at },
    }));
    for (const advisorId of legacy) {
      const email = isValidEmail(advisorId) ? normalizeEmail(advisorId) : null;
      const staffId =
        (email && staffByEmail.get(email)) ?? legacyStaffId(tenantId, email ?? advisorId);
      if (!staffIds.has(staffId) && !created.has(staffId)) {
        await recordStaff(db, tenantId, staffId, advisorId, email, at);
        created.add(staffId);
        if (email) staffByEmail.set(email, staffId);
      }
      await db.query(
        `INSERT INTO digest_optouts (tenant_id, recipient_kind, recipient_id, opted_out_at)
         SELECT tenant_id, recipient_kind, $3, opted_out_at FROM digest_optouts
          WHERE tenant_id = $1 AND recipient_kind = 'advisor' AND recipient_id = $2
         ON CONFLICT DO NOTHING`,
        [tenantId, advisorId, staffId],
      );
      if (next.includes(staffId)) continue;
      next.push(staffId);
      events.push({
        type: 'AdvisorAssigned',
        data: { cohortId: cohort.aggregate_id, advisorId: staffId, at },
      });
    }
    const version = await append(db, tenantId, cohort.stream_id, Number(cohort.version), events);
    await db.query(
      `UPDATE aggregate_states SET version = $3, state = $4::jsonb, updated_at = $5
        WHERE tenant_id = $1 AND stream_id = $2`,
      [
        tenantId,
        cohort.stream_id,
        version,
        JSON.stringify({ ...cohort.state, advisorIds: next }),
        at,
      ],
    );
  }
}

/** The staff member a free-string advisor becomes: invited, so their first sign-in activates them. */
async function recordStaff(
  db: QueryRunner,
  tenantId: string,
  staffId: string,
  advisorId: string,
  email: string | null,
  at: string,
): Promise<void> {
  const event: StaffInvited = {
    type: 'StaffInvited',
    data: {
      staffId,
      role: 'advisor',
      invitationId: staffId,
      at,
      personal: { name: email ? nameFromEmail(email) : advisorId, email },
    },
  };
  const streamId = `staff-${staffId}`;
  const version = await append(db, tenantId, streamId, 0, [event]);
  const state = staffDecider.evolve(staffDecider.initialState(), event);
  await db.query(
    `INSERT INTO aggregate_states (tenant_id, stream_id, kind, aggregate_id, student_id, cohort_id, version, state, updated_at)
     VALUES ($1, $2, 'staff', $3, NULL, NULL, $4, $5::jsonb, $6)`,
    [tenantId, streamId, staffId, version, JSON.stringify(state), at],
  );
}

async function append(
  db: QueryRunner,
  tenantId: string,
  streamId: string,
  expected: number,
  events: { type: string; data: object }[],
): Promise<number> {
  const payload = events.map((event, index) => ({
    event_id: legacyStaffId(tenantId, `${streamId}|${expected}|${index}`),
    type: event.type,
    schema_version: 1,
    data: event.data,
    metadata: { actorId: MIGRATION_ACTOR, actorRole: 'system', correlationId: MIGRATION_ACTOR },
  }));
  const [row] = (await db.query(`SELECT * FROM rapport_append_events($1, $2, $3, $4::jsonb)`, [
    tenantId,
    streamId,
    expected === 0 ? 'no_stream' : String(expected),
    JSON.stringify(payload),
  ])) as { next_expected_version: string }[];
  return Number(row.next_expected_version);
}

/** A stable id per institution and old advisor, so a re-run lands on the same streams. */
function legacyStaffId(tenantId: string, key: string): string {
  const hex = createHash('sha256').update(`${tenantId}|legacy-advisor|${key}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** "maria.lopez@…" greets as "Maria Lopez": the best guess there is until sign-in. */
export function nameFromEmail(email: string): string {
  const local = email.slice(0, email.indexOf('@'));
  const words = local.split(/[._-]+/).filter((w) => w.length > 0);
  if (words.length === 0) return local;
  return words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');
}
