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
export const PROGRESS_SNAPSHOTS = 'student_progress_snapshots';

/**
 * Async: folds each student's events into StudentProgress with the domain's reducer, keeps the
 * institution's settings timeline, indexes every student event (timeline, `asOf` reads) and
 * keeps weekly snapshots. A fixed number of statements per batch, whatever its size.
 */
export const studentProgressProjection: Projection = {
  name: 'student-progress',
  mode: 'async',
  tables: [STUDENT_PROGRESS, SETTINGS_TIMELINES, STUDENT_ACTIVITY, PROGRESS_SNAPSHOTS],
  async apply(events: readonly RecordedEvent[], { tx, table }) {
    const domainEvents = events.filter((e) => isDomainEventType(e.type));
    await applySettings(tx, table(SETTINGS_TIMELINES), domainEvents);
    await applyProgress(tx, table, domainEvents);
  },
};

export function asDomainEvent(event: RecordedEvent): DomainEvent {
  return { type: event.type, data: event.data } as DomainEvent;
}

/** When the event says it happened (`data.at`); the recording time for events without one. */
export function occurredAt(event: RecordedEvent): string {
  return new Date((event.data as { at?: string }).at ?? event.recordedAt).toISOString();
}

/** Monday 00:00 UTC of the week holding the instant: snapshot boundaries. */
export function weekStart(instant: string): string {
  const date = new Date(instant);
  const sinceMonday = (date.getUTCDay() + 6) % 7;
  return new Date(
    Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() - sinceMonday),
  ).toISOString();
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

interface StudentFold {
  state: StudentProgress;
  lastEventAt: string | null;
  /** period_start → snapshot; only those this batch created or changed are written. */
  snapshots: Map<string, StudentProgress>;
  dirty: Set<string>;
}

async function applyProgress(
  tx: Tx,
  table: (name: string) => string,
  events: readonly RecordedEvent[],
) {
  const byStudent = new Map<string, RecordedEvent[]>();
  for (const event of events) {
    const studentId = studentIdOf(asDomainEvent(event));
    if (studentId) byStudent.set(studentId, [...(byStudent.get(studentId) ?? []), event]);
  }
  if (byStudent.size === 0) return;
  const folds = await loadFolds(tx, table, byStudent);

  const activityRows: Record<string, unknown>[] = [];
  for (const [studentId, studentEvents] of byStudent) {
    const fold = folds.get(studentId)!;
    for (const event of studentEvents) {
      const at = occurredAt(event);
      const domainEvent = asDomainEvent(event);
      // The first event of a new week: what came before is that week's starting snapshot.
      const week = weekStart(at);
      if (fold.lastEventAt !== null && fold.lastEventAt < week && !fold.snapshots.has(week)) {
        fold.snapshots.set(week, fold.state);
        fold.dirty.add(week);
      }
      // A late event belongs in every later snapshot too (the reducer ignores order).
      for (const [periodStart, snapshot] of fold.snapshots) {
        if (periodStart > at) {
          fold.snapshots.set(periodStart, evolveStudentProgress(snapshot, domainEvent));
          fold.dirty.add(periodStart);
        }
      }
      fold.state = evolveStudentProgress(fold.state, domainEvent);
      fold.lastEventAt = fold.lastEventAt === null || at > fold.lastEventAt ? at : fold.lastEventAt;
      activityRows.push({
        student_id: studentId,
        cohort_id: fold.state.cohortId,
        occurred_at: at,
        transaction_id: event.transactionId,
        global_position: event.globalPosition,
        event_type: event.type,
        actor_id: event.metadata.actorId ?? null,
        actor_role: event.metadata.actorRole ?? null,
      });
    }
  }
  await saveFolds(tx, table, folds);
  await tx.query(
    `INSERT INTO ${table(STUDENT_ACTIVITY)}
       (tenant_id, student_id, cohort_id, occurred_at, transaction_id, global_position, event_type, actor_id, actor_role)
     SELECT $1, r.student_id, r.cohort_id, r.occurred_at, r.transaction_id::xid8, r.global_position, r.event_type,
            r.actor_id, r.actor_role
       FROM jsonb_to_recordset($2::jsonb) AS r(student_id text, cohort_id text, occurred_at timestamptz,
            transaction_id text, global_position bigint, event_type text, actor_id text, actor_role text)
     ON CONFLICT DO NOTHING`,
    [tx.tenantId, JSON.stringify(activityRows)],
  );
}

async function loadFolds(
  tx: Tx,
  table: (name: string) => string,
  byStudent: Map<string, RecordedEvent[]>,
): Promise<Map<string, StudentFold>> {
  const studentIds = [...byStudent.keys()];
  const earliest = [...byStudent.values()]
    .flat()
    .reduce((min, e) => (occurredAt(e) < min ? occurredAt(e) : min), '9999');
  const [rows, snapshots] = await Promise.all([
    tx.query<{ student_id: string; state: StudentProgress; last_event_at: Date | null }>(
      `SELECT student_id, state, last_event_at FROM ${table(STUDENT_PROGRESS)} WHERE tenant_id = $1 AND student_id = ANY($2)`,
      [tx.tenantId, studentIds],
    ),
    // Only snapshots a batch event can still change: those starting after its instant.
    tx.query<{ student_id: string; period_start: Date; state: StudentProgress }>(
      `SELECT student_id, period_start, state FROM ${table(PROGRESS_SNAPSHOTS)}
        WHERE tenant_id = $1 AND student_id = ANY($2) AND period_start > $3`,
      [tx.tenantId, studentIds, earliest],
    ),
  ]);
  const folds = new Map<string, StudentFold>();
  const stored = new Map(rows.map((r) => [r.student_id, r]));
  for (const id of studentIds) {
    const row = stored.get(id);
    folds.set(id, {
      state: row?.state ?? initialStudentProgress(id),
      lastEventAt: row?.last_event_at?.toISOString() ?? null,
      snapshots: new Map(),
      dirty: new Set(),
    });
  }
  for (const s of snapshots)
    folds.get(s.student_id)!.snapshots.set(s.period_start.toISOString(), s.state);
  return folds;
}

async function saveFolds(tx: Tx, table: (name: string) => string, folds: Map<string, StudentFold>) {
  const progress = [...folds].map(([studentId, f]) => ({
    student_id: studentId,
    cohort_id: f.state.cohortId,
    state: f.state,
    last_activity_at: f.state.lastActivityAt,
    last_event_at: f.lastEventAt,
  }));
  await tx.query(
    `INSERT INTO ${table(STUDENT_PROGRESS)} (tenant_id, student_id, cohort_id, state, last_activity_at, last_event_at)
     SELECT $1, r.student_id, r.cohort_id, r.state, r.last_activity_at, r.last_event_at
       FROM jsonb_to_recordset($2::jsonb)
         AS r(student_id text, cohort_id text, state jsonb, last_activity_at timestamptz, last_event_at timestamptz)
     ON CONFLICT (tenant_id, student_id) DO UPDATE SET cohort_id = EXCLUDED.cohort_id, state = EXCLUDED.state,
       last_activity_at = EXCLUDED.last_activity_at, last_event_at = EXCLUDED.last_event_at`,
    [tx.tenantId, JSON.stringify(progress)],
  );
  const snapshots = [...folds].flatMap(([studentId, f]) =>
    [...f.dirty].map((periodStart) => ({
      student_id: studentId,
      period_start: periodStart,
      cohort_id: f.state.cohortId,
      state: f.snapshots.get(periodStart),
    })),
  );
  if (snapshots.length === 0) return;
  await tx.query(
    `INSERT INTO ${table(PROGRESS_SNAPSHOTS)} (tenant_id, student_id, period_start, cohort_id, state)
     SELECT $1, r.student_id, r.period_start, r.cohort_id, r.state
       FROM jsonb_to_recordset($2::jsonb) AS r(student_id text, period_start timestamptz, cohort_id text, state jsonb)
     ON CONFLICT (tenant_id, student_id, period_start) DO UPDATE SET state = EXCLUDED.state, cohort_id = EXCLUDED.cohort_id`,
    [tx.tenantId, JSON.stringify(snapshots)],
  );
}
