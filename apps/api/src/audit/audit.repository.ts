import { Injectable } from '@nestjs/common';
import { Database } from '@rapport/event-store';

export interface AuditQuery {
  types: readonly string[];
  actorId?: string | null;
  subjectId?: string | null;
  from?: Date | null;
  to?: Date | null;
  /** The global position of the last entry of the previous page. */
  before?: number | null;
  limit: number;
}

export interface AuditRow {
  event_id: string;
  global_position: string;
  type: string;
  recorded_at: Date;
  at: string | null;
  actor_id: string | null;
  actor_role: string | null;
  actor_name: string | null;
  actor_erased: boolean | null;
  subject_id: string | null;
  subject_kind: 'student' | 'staff' | null;
  subject_name: string | null;
  subject_erased: boolean | null;
  changed: string[] | null;
  reason: string | null;
  erased_count: number | null;
  total: string;
}

const ERASED_TYPES = `('StudentErased', 'StaffMemberErased')`;

// Who an event is about: the ids it names outside its personal part (an identity link names a
// person of either kind, by its role).
const SUBJECT_ID = `COALESCE(e.data ->> 'studentId', e.data ->> 'staffId', e.data ->> 'advisorId', e.data ->> 'personId')`;
const SUBJECT_KIND = `CASE
    WHEN e.data ? 'studentId' THEN 'student'
    WHEN e.data ? 'staffId' OR e.data ? 'advisorId' THEN 'staff'
    WHEN e.data ? 'personId' THEN CASE WHEN e.data ->> 'role' = 'student' THEN 'student' ELSE 'staff' END
  END`;

/** Only our own constant type names are written into the statement (the partial index needs literals). */
function typeList(types: readonly string[]): string {
  for (const t of types) if (!/^[A-Za-z]+$/.test(t)) throw new Error(`Bad event type ${t}`);
  return types.map((t) => `'${t}'`).join(', ');
}

/**
 * The audit log's one statement per page: the institution's audited events newest first along
 * `events_audit_idx`, with the total, and the actor's and subject's current names from the
 * aggregate states (the erasure purges those, and an erasure event marks the person erased).
 * Of an event it reads ids and a few plain facts only, never its personal part.
 */
@Injectable()
export class AuditRepository {
  constructor(private readonly database: Database) {}

  async page(tenantId: string, query: AuditQuery): Promise<AuditRow[]> {
    const { sql, params } = auditStatement(tenantId, query);
    return this.database.withTenant(tenantId, (tx) => tx.query<AuditRow>(sql, params));
  }
}

/** The page's statement and parameters (exported for the test that checks its plan). */
export function auditStatement(
  tenantId: string,
  query: AuditQuery,
): { sql: string; params: unknown[] } {
  const params: unknown[] = [tenantId];
  const where = [`e.tenant_id = $1`, `e.type IN (${typeList(query.types)})`];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (query.actorId) where.push(`e.metadata ->> 'actorId' = ${param(query.actorId)}`);
  if (query.subjectId) where.push(`${SUBJECT_ID} = ${param(query.subjectId)}`);
  if (query.from) where.push(`e.recorded_at >= ${param(query.from)}`);
  if (query.to) where.push(`e.recorded_at < ${param(query.to)}`);
  const filtered = where.join(' AND ');
  const before = query.before != null ? ` AND e.global_position < ${param(query.before)}` : '';
  const limit = param(query.limit);
  return {
    sql: `WITH page AS (
           SELECT e.event_id, e.global_position, e.type, e.recorded_at, e.data ->> 'at' AS at,
                  e.metadata ->> 'actorId' AS actor_id, e.metadata ->> 'actorRole' AS actor_role,
                  ${SUBJECT_ID} AS subject_id, ${SUBJECT_KIND} AS subject_kind,
                  CASE WHEN e.type = 'InstitutionSettingsChanged'
                       THEN ARRAY(SELECT jsonb_array_elements_text(e.data -> 'changed')) END AS changed,
                  e.data ->> 'reason' AS reason,
                  CASE WHEN e.type = 'RetentionSweepCompleted'
                       THEN jsonb_array_length(e.data -> 'erasedStudentIds') END AS erased_count
             FROM events e
            WHERE ${filtered}${before}
            ORDER BY e.global_position DESC
            LIMIT ${limit}
         ), named AS (
           SELECT p.*,
                  CASE WHEN p.actor_role = 'student' THEN 'student-' || p.actor_id
                       WHEN p.actor_role IN ('admin', 'advisor') THEN 'staff-' || p.actor_id END
                    AS actor_stream,
                  CASE WHEN p.subject_kind IS NOT NULL THEN p.subject_kind || '-' || p.subject_id END
                    AS subject_stream
             FROM page p
         )
         SELECT t.total, n.event_id, n.global_position, n.type, n.recorded_at, n.at,
                n.actor_id, n.actor_role, n.subject_id, n.subject_kind, n.changed, n.reason,
                n.erased_count,
                -- Per entry, by primary key: (tenant_id, stream_id) of the state, and the
                -- stream's own events for an erasure.
                (SELECT a.state -> 'personal' ->> 'name' FROM aggregate_states a
                  WHERE a.tenant_id = $1 AND a.stream_id = n.actor_stream) AS actor_name,
                EXISTS (SELECT 1 FROM events x WHERE x.tenant_id = $1 AND x.stream_id = n.actor_stream
                           AND x.type IN ${ERASED_TYPES}) AS actor_erased,
                (SELECT s.state -> 'personal' ->> 'name' FROM aggregate_states s
                  WHERE s.tenant_id = $1 AND s.stream_id = n.subject_stream) AS subject_name,
                EXISTS (SELECT 1 FROM events x WHERE x.tenant_id = $1 AND x.stream_id = n.subject_stream
                           AND x.type IN ${ERASED_TYPES}) AS subject_erased
           FROM (SELECT count(*) AS total FROM events e WHERE ${filtered}) t
           LEFT JOIN named n ON true
          ORDER BY n.global_position DESC`,
    params,
  };
}
