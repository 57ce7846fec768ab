import {
  type DomainEvent,
  evolveSettingsTimeline,
  evolveStudentProgress,
  initialStudentProgress,
  isDomainEventType,
  type SettingsTimeline,
  type StudentProgress,
  studentIdOf,
} from '@rapport/domain';
import type { Projection, RecordedEvent, Tx } from '@rapport/event-store';

export const STUDENT_PROGRESS = 'student_progress';
export const SETTINGS_TIMELINES = 'settings_timelines';
export const STUDENT_ACTIVITY = 'student_activity';

/**
 * Async: folds each student's events into StudentProgress with the domain's reducer, keeps the
 * institution's settings timeline, and indexes every student event for the timeline and for
 * `asOf` reads. One read and one write per table per batch, whatever the batch size.
 */
export const studentProgressProjection: Projection = {
  name: 'student-progress',
  mode: 'async',
  tables: [STUDENT_PROGRESS, SETTINGS_TIMELINES, STUDENT_ACTIVITY],
  async apply(events: readonly RecordedEvent[], { tx, table }) {
    const domainEvents = events.filter((e) => isDomainEventType(e.type));
    await applySettings(tx, table(SETTINGS_TIMELINES), domainEvents);
    await applyProgress(tx, table(STUDENT_PROGRESS), table(STUDENT_ACTIVITY), domainEvents);
  },
};

export function asDomainEvent(event: RecordedEvent): DomainEvent {
  return { type: event.type, data: event.data } as DomainEvent;
}

async function applySettings(tx: Tx, table: string, events: readonly RecordedEvent[]) {
  const changes = events.filter(
    (e) => e.type === 'InstitutionRegistered' || e.type === 'InstitutionSettingsChanged',
  );
  if (changes.length === 0) return;
  const [row] = await tx.query<{ timeline: SettingsTimeline }>(
    `SELECT timeline FROM ${table} WHERE tenant_id = $1`,
    [tx.tenantId],
  );
  const timeline = changes.reduce(
    (t, e) => evolveSettingsTimeline(t, asDomainEvent(e)),
    row?.timeline ?? [],
  );
  await tx.query(
    `INSERT INTO ${table} (tenant_id, timeline) VALUES ($1, $2::jsonb)
     ON CONFLICT (tenant_id) DO UPDATE SET timeline = EXCLUDED.timeline`,
    [tx.tenantId, JSON.stringify(timeline)],
  );
}

async function applyProgress(
  tx: Tx,
  progressTable: string,
  activityTable: string,
  events: readonly RecordedEvent[],
) {
  const byStudent = new Map<string, RecordedEvent[]>();
  for (const event of events) {
    const studentId = studentIdOf(asDomainEvent(event));
    if (studentId) byStudent.set(studentId, [...(byStudent.get(studentId) ?? []), event]);
  }
  if (byStudent.size === 0) return;

  const stored = await tx.query<{ student_id: string; state: StudentProgress }>(
    `SELECT student_id, state FROM ${progressTable} WHERE tenant_id = $1 AND student_id = ANY($2)`,
    [tx.tenantId, [...byStudent.keys()]],
  );
  const current = new Map(stored.map((row) => [row.student_id, row.state]));
  const progressRows: {
    student_id: string;
    cohort_id: string | null;
    state: StudentProgress;
    last_activity_at: string | null;
  }[] = [];
  const activityRows: Record<string, unknown>[] = [];
  for (const [studentId, studentEvents] of byStudent) {
    let state = current.get(studentId) ?? initialStudentProgress(studentId);
    for (const event of studentEvents) {
      state = evolveStudentProgress(state, asDomainEvent(event));
      activityRows.push({
        student_id: studentId,
        cohort_id: state.cohortId,
        occurred_at: (event.data as { at?: string }).at ?? event.recordedAt.toISOString(),
        transaction_id: event.transactionId,
        global_position: event.globalPosition,
        event_type: event.type,
        actor_id: event.metadata.actorId ?? null,
        actor_role: event.metadata.actorRole ?? null,
      });
    }
    progressRows.push({
      student_id: studentId,
      cohort_id: state.cohortId,
      state,
      last_activity_at: state.lastActivityAt,
    });
  }
  await tx.query(
    `INSERT INTO ${progressTable} (tenant_id, student_id, cohort_id, state, last_activity_at)
     SELECT $1, r.student_id, r.cohort_id, r.state, r.last_activity_at
       FROM jsonb_to_recordset($2::jsonb) AS r(student_id text, cohort_id text, state jsonb, last_activity_at timestamptz)
     ON CONFLICT (tenant_id, student_id) DO UPDATE SET
       cohort_id = EXCLUDED.cohort_id, state = EXCLUDED.state, last_activity_at = EXCLUDED.last_activity_at`,
    [tx.tenantId, JSON.stringify(progressRows)],
  );
  await tx.query(
    `INSERT INTO ${activityTable}
       (tenant_id, student_id, cohort_id, occurred_at, transaction_id, global_position, event_type, actor_id, actor_role)
     SELECT $1, r.student_id, r.cohort_id, r.occurred_at, r.transaction_id::xid8, r.global_position, r.event_type,
            r.actor_id, r.actor_role
       FROM jsonb_to_recordset($2::jsonb) AS r(student_id text, cohort_id text, occurred_at timestamptz,
            transaction_id text, global_position bigint, event_type text, actor_id text, actor_role text)
     ON CONFLICT DO NOTHING`,
    [tx.tenantId, JSON.stringify(activityRows)],
  );
}
