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
import type {
  Projection,
  ProjectionContext,
  RecordedEvent,
  RebuildSession,
  Tx,
} from '@rapport/event-store';

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
  async apply(events: readonly RecordedEvent[], { tx, table, rebuild }: ProjectionContext) {
    const domainEvents = events.filter((e) => isDomainEventType(e.type));
    const memo = rebuild ? rebuildMemo(rebuild, tx.tenantId!) : null;
    await applySettings(tx, table(SETTINGS_TIMELINES), domainEvents, memo);
    await applyProgress(tx, table, domainEvents, memo);
  },

  // A rebuild keeps progress and timelines in memory and writes each student once, here.
  async flush({ tx, table, rebuild }: ProjectionContext) {
    for (const [tenantId, memo] of (rebuild?.memo ?? new Map()) as Map<string, TenantMemo>) {
      await tx.setTenant(tenantId);
      if (memo.timeline) await saveTimeline(tx, table(SETTINGS_TIMELINES), memo.timeline);
      const folds = [...memo.folds];
      for (let i = 0; i < folds.length; i += FLUSH_CHUNK) {
        await saveProgress(tx, table(STUDENT_PROGRESS), new Map(folds.slice(i, i + FLUSH_CHUNK)));
      }
    }
  },
};

const FLUSH_CHUNK = 1_000;
/** Students kept in memory during a rebuild before their states are written out. */
const MEMO_LIMIT = 2_000;

/** What a rebuild keeps per tenant between batches: nobody reads the twin tables meanwhile. */
interface TenantMemo {
  limit: number;
  folds: Map<string, Pick<StudentFold, 'state' | 'lastEventAt'>>;
  timeline: SettingsTimeline | null;
}

function rebuildMemo(session: RebuildSession, tenantId: string): TenantMemo {
  let memo = session.memo.get(tenantId) as TenantMemo | undefined;
  if (!memo) {
    memo = { limit: session.memoLimit ?? MEMO_LIMIT, folds: new Map(), timeline: null };
    session.memo.set(tenantId, memo);
  }
  return memo;
}

export function asDomainEvent(event: RecordedEvent): DomainEvent {
  return { type: event.type, data: event.data } as DomainEvent;
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** When the event says it happened (`data.at`); the recording time for events without one. */
export function occurredAt(event: RecordedEvent): string {
  const at = (event.data as { at?: string }).at;
  // The domain already writes UTC instants; parsing them again is the rebuild's hottest line.
  if (at && ISO_UTC.test(at)) return at;
  return new Date(at ?? event.recordedAt).toISOString();
}

/** Snapshots are two weeks apart: few enough to write cheaply, close enough for fast asOf. */
export const SNAPSHOT_PERIOD_DAYS = 14;
const DAY_MS = 86_400_000;
// A Monday, 00:00 UTC: periods start on Mondays.
const PERIOD_ORIGIN = Date.UTC(1970, 0, 5);
const periodCache = new Map<string, string>();

/** Start of the snapshot period holding the instant (a Monday 00:00 UTC, every 14 days). */
export function periodStart(instant: string): string {
  const day = instant.slice(0, 10);
  let start = periodCache.get(day);
  if (!start) {
    const days = Math.floor((Date.parse(`${day}T00:00:00.000Z`) - PERIOD_ORIGIN) / DAY_MS);
    start = new Date(
      PERIOD_ORIGIN +
        (days - (((days % SNAPSHOT_PERIOD_DAYS) + SNAPSHOT_PERIOD_DAYS) % SNAPSHOT_PERIOD_DAYS)) *
          DAY_MS,
    ).toISOString();
    if (periodCache.size > 10_000) periodCache.clear();
    periodCache.set(day, start);
  }
  return start;
}

async function applySettings(
  tx: Tx,
  table: string,
  events: readonly RecordedEvent[],
  memo: TenantMemo | null,
) {
  const changes = events.filter(
    (e) => e.type === 'InstitutionRegistered' || e.type === 'InstitutionSettingsChanged',
  );
  if (changes.length === 0) return;
  const start = memo ? (memo.timeline ?? []) : await loadTimeline(tx, table);
  const timeline = changes.reduce((t, e) => evolveSettingsTimeline(t, asDomainEvent(e)), start);
  if (memo) memo.timeline = timeline;
  else await saveTimeline(tx, table, timeline);
}

async function loadTimeline(tx: Tx, table: string): Promise<SettingsTimeline> {
  const [row] = await tx.query<{ timeline: SettingsTimeline }>(
    `SELECT timeline FROM ${table} WHERE tenant_id = $1`,
    [tx.tenantId],
  );
  return row?.timeline ?? [];
}

async function saveTimeline(tx: Tx, table: string, timeline: SettingsTimeline) {
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
  memo: TenantMemo | null,
) {
  const byStudent = new Map<string, RecordedEvent[]>();
  for (const event of events) {
    const studentId = studentIdOf(asDomainEvent(event));
    if (!studentId) continue;
    const list = byStudent.get(studentId);
    if (list) list.push(event);
    else byStudent.set(studentId, [event]);
  }
  if (byStudent.size === 0) return;
  const folds = await loadFolds(tx, table, byStudent, memo);

  const activityRows: Record<string, unknown>[] = [];
  for (const [studentId, studentEvents] of byStudent) {
    const fold = folds.get(studentId)!;
    for (const event of studentEvents) {
      const at = occurredAt(event);
      const domainEvent = asDomainEvent(event);
      // The first event of a new period: what came before is that period's starting snapshot.
      const week = periodStart(at);
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
  if (memo) {
    // Only state and watermark: snapshots are written through, not kept in memory.
    for (const [id, fold] of folds) {
      memo.folds.set(id, { state: fold.state, lastEventAt: fold.lastEventAt });
    }
    // Memory stays bounded however many students a tenant has: write out and start over.
    if (memo.folds.size > memo.limit) {
      await saveProgress(tx, table(STUDENT_PROGRESS), memo.folds);
      memo.folds.clear();
    }
  } else {
    await saveProgress(tx, table(STUDENT_PROGRESS), folds);
  }
  await saveSnapshots(tx, table(PROGRESS_SNAPSHOTS), folds);
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
  memo: TenantMemo | null,
): Promise<Map<string, StudentFold>> {
  const studentIds = [...byStudent.keys()];
  let earliest = '9999';
  for (const list of byStudent.values()) {
    for (const event of list) {
      const at = occurredAt(event);
      if (at < earliest) earliest = at;
    }
  }
  // In a rebuild, students not in memory were flushed earlier (or are new): read them back.
  const missing = memo ? studentIds.filter((id) => !memo.folds.has(id)) : studentIds;
  const loaded =
    missing.length > 0
      ? await loadProgress(tx, table(STUDENT_PROGRESS), missing)
      : new Map<string, Pick<StudentFold, 'state' | 'lastEventAt'>>();
  const stored = { get: (id: string) => memo?.folds.get(id) ?? loaded.get(id) };
  // Only snapshots a batch event can still change: those starting after its instant.
  const snapshots = await tx.query<{
    student_id: string;
    period_start: Date;
    state: StudentProgress;
  }>(
    `SELECT student_id, period_start, state FROM ${table(PROGRESS_SNAPSHOTS)}
      WHERE tenant_id = $1 AND student_id = ANY($2) AND period_start > $3`,
    [tx.tenantId, studentIds, earliest],
  );
  const folds = new Map<string, StudentFold>();
  for (const id of studentIds) {
    const known = stored.get(id);
    folds.set(id, {
      state: known?.state ?? initialStudentProgress(id),
      lastEventAt: known?.lastEventAt ?? null,
      snapshots: new Map(),
      dirty: new Set(),
    });
  }
  for (const s of snapshots) {
    folds.get(s.student_id)!.snapshots.set(s.period_start.toISOString(), s.state);
  }
  return folds;
}

async function loadProgress(
  tx: Tx,
  table: string,
  studentIds: string[],
): Promise<Map<string, Pick<StudentFold, 'state' | 'lastEventAt'>>> {
  const rows = await tx.query<{
    student_id: string;
    state: StudentProgress;
    last_event_at: Date | null;
  }>(
    `SELECT student_id, state, last_event_at FROM ${table} WHERE tenant_id = $1 AND student_id = ANY($2)`,
    [tx.tenantId, studentIds],
  );
  return new Map(
    rows.map((r) => [
      r.student_id,
      { state: r.state, lastEventAt: r.last_event_at?.toISOString() ?? null },
    ]),
  );
}

async function saveProgress(
  tx: Tx,
  table: string,
  folds: Map<string, Pick<StudentFold, 'state' | 'lastEventAt'>>,
) {
  const progress = [...folds].map(([studentId, f]) => ({
    student_id: studentId,
    cohort_id: f.state.cohortId,
    state: f.state,
    last_activity_at: f.state.lastActivityAt,
    last_event_at: f.lastEventAt,
  }));
  await tx.query(
    `INSERT INTO ${table} (tenant_id, student_id, cohort_id, state, last_activity_at, last_event_at)
     SELECT $1, r.student_id, r.cohort_id, r.state, r.last_activity_at, r.last_event_at
       FROM jsonb_to_recordset($2::jsonb)
         AS r(student_id text, cohort_id text, state jsonb, last_activity_at timestamptz, last_event_at timestamptz)
     ON CONFLICT (tenant_id, student_id) DO UPDATE SET cohort_id = EXCLUDED.cohort_id, state = EXCLUDED.state,
       last_activity_at = EXCLUDED.last_activity_at, last_event_at = EXCLUDED.last_event_at`,
    [tx.tenantId, JSON.stringify(progress)],
  );
}

async function saveSnapshots(tx: Tx, table: string, folds: Map<string, StudentFold>) {
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
    `INSERT INTO ${table} (tenant_id, student_id, period_start, cohort_id, state)
     SELECT $1, r.student_id, r.period_start, r.cohort_id, r.state
       FROM jsonb_to_recordset($2::jsonb) AS r(student_id text, period_start timestamptz, cohort_id text, state jsonb)
     ON CONFLICT (tenant_id, student_id, period_start) DO UPDATE SET state = EXCLUDED.state, cohort_id = EXCLUDED.cohort_id`,
    [tx.tenantId, JSON.stringify(snapshots)],
  );
}
