import {
  type DomainEvent,
  evolveSettingsTimeline,
  evolveStudentProgress,
  evolveStudentProgressInPlace,
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
  Writer,
} from '@rapport/event-store';
import { type InsertValuesSpec, insertValues, type SqlValue, writerOf } from '@rapport/event-store';

export const STUDENT_PROGRESS = 'student_progress';
export const SETTINGS_TIMELINES = 'settings_timelines';
export const STUDENT_ACTIVITY = 'student_activity';
export const PROGRESS_SNAPSHOTS = 'student_progress_snapshots';
export const STUDENT_ENROLMENTS = 'student_enrolments';

/**
 * Async: folds each student's events into StudentProgress with the domain's reducer, keeps the
 * institution's settings timeline, indexes every student event (timeline, `asOf` reads) and
 * keeps snapshots every four weeks. A fixed number of statements per batch, whatever its size.
 */
export const studentProgressProjection: Projection = {
  name: 'student-progress',
  mode: 'async',
  tables: [
    STUDENT_PROGRESS,
    SETTINGS_TIMELINES,
    STUDENT_ACTIVITY,
    PROGRESS_SNAPSHOTS,
    STUDENT_ENROLMENTS,
  ],
  async apply(events: readonly RecordedEvent[], { tx, table, rebuild }: ProjectionContext) {
    const domainEvents = events.filter((e) => isDomainEventType(e.type));
    const memo = rebuild ? rebuildMemo(rebuild, tx.tenantId!) : null;
    await applySettings(tx, table(SETTINGS_TIMELINES), domainEvents, memo);
    const writer = writerOf(tx, rebuild);
    await applyProgress(tx, table, domainEvents, memo, writer);
    await applyEnrolments(writer, table(STUDENT_ENROLMENTS), domainEvents);
  },

  // A rebuild keeps progress and timelines in memory and writes each student once, here.
  flushTables: [STUDENT_PROGRESS, SETTINGS_TIMELINES],
  async flush({ tx, table, rebuild }: ProjectionContext) {
    for (const [tenantId, memo] of (rebuild?.memo ?? new Map()) as Map<string, TenantMemo>) {
      await tx.setTenant(tenantId);
      if (memo.timeline) await saveTimeline(tx, table(SETTINGS_TIMELINES), memo.timeline);
      await saveProgress(tx, table(STUDENT_PROGRESS), memo.folds);
    }
  },
};

/**
 * Students kept in memory during a rebuild before the least recently touched are written out.
 * A rebuild in commit order touches nearly every student of a tenant in every batch, so this
 * must exceed a tenant's student count or every batch reads states back; at ~30 KB of JSON
 * (well under 100 KB in memory) per student at the end of a term, 8,000 stay under ~600 MB.
 */
const MEMO_LIMIT = 8_000;

/**
 * What a rebuild keeps per tenant between batches: nobody reads the twin tables meanwhile.
 * `folds` is in least-recently-touched order; `evicted` names the students written out to make
 * room, the only ones the twin table can hold already (any other student is new to the rebuild).
 */
interface TenantMemo {
  limit: number;
  folds: Map<string, Pick<StudentFold, 'state' | 'lastEventAt'>>;
  evicted: Set<string>;
  timeline: SettingsTimeline | null;
}

function rebuildMemo(session: RebuildSession, tenantId: string): TenantMemo {
  let memo = session.memo.get(tenantId) as TenantMemo | undefined;
  if (!memo) {
    memo = {
      limit: session.memoLimit ?? MEMO_LIMIT,
      folds: new Map(),
      evicted: new Set(),
      timeline: null,
    };
    session.memo.set(tenantId, memo);
  }
  return memo;
}

/** The stored event as the domain's reducers take it: the same object, no copy per event. */
export function asDomainEvent(event: RecordedEvent): DomainEvent {
  return event as unknown as DomainEvent;
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** When the event says it happened (`data.at`); the recording time for events without one. */
export function occurredAt(event: RecordedEvent): string {
  const at = (event.data as { at?: string }).at;
  // The domain already writes UTC instants; parsing them again is the rebuild's hottest line.
  if (at && ISO_UTC.test(at)) return at;
  return new Date(at ?? event.recordedAt).toISOString();
}

/**
 * Snapshots are four weeks apart: `asOf` folds at most four weeks of a student's events (under
 * 0.3 s for a cohort at 200k events), and a rebuild writes ~45% fewer snapshot bytes than two
 * weeks apart (ADR 7).
 */
export const SNAPSHOT_PERIOD_DAYS = 28;
const DAY_MS = 86_400_000;
// A Monday, 00:00 UTC: periods start on Mondays.
const PERIOD_ORIGIN = Date.UTC(1970, 0, 5);
const periodCache = new Map<string, string>();

/** Start of the snapshot period holding the instant (a Monday 00:00 UTC, every 28 days). */
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

/** Every cohort a student was on the roster of, so its dashboards find them after a move. */
async function applyEnrolments(tx: Writer, table: string, events: readonly RecordedEvent[]) {
  const pairs = new Map<string, SqlValue[]>();
  for (const event of events) {
    const e = asDomainEvent(event);
    if (
      e.type === 'StudentEnrolled' ||
      e.type === 'StudentRegistered' ||
      e.type === 'StudentJoinedCohort'
    )
      pairs.set(`${e.data.cohortId}\u0000${e.data.studentId}`, [e.data.cohortId, e.data.studentId]);
  }
  if (pairs.size === 0) return;
  await insertValues(
    tx,
    { table, columns: ENROLMENT_COLUMNS, onConflict: 'ON CONFLICT DO NOTHING' },
    pairs.values(),
  );
}

const ENROLMENT_COLUMNS: InsertValuesSpec['columns'] = [
  ['cohort_id', 'text'],
  ['student_id', 'text'],
];

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

interface ActivityRow {
  studentId: string;
  cohortId: string | null;
  occurredAt: string;
  transactionId: string;
  globalPosition: number;
  eventType: string;
  actorId: string | null;
  actorRole: string | null;
}

interface StudentFold {
  state: StudentProgress;
  lastEventAt: string | null;
  /**
   * period_start → snapshot; only those this batch created or changed (`dirty`) are written. A
   * snapshot taken in this batch is its JSON: the state folds on in place, so it is written down
   * at once. Both stay null until needed: most students cross no period in a batch.
   */
  snapshots: Map<string, StudentProgress | string> | null;
  dirty: Set<string> | null;
}

function setSnapshot(fold: StudentFold, period: string, snapshot: StudentProgress | string) {
  (fold.snapshots ??= new Map()).set(period, snapshot);
  (fold.dirty ??= new Set()).add(period);
}

async function applyProgress(
  tx: Tx,
  table: (name: string) => string,
  events: readonly RecordedEvent[],
  memo: TenantMemo | null,
  writer: Writer,
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

  const activityRows: ActivityRow[] = [];
  for (const [studentId, studentEvents] of byStudent) {
    const fold = folds.get(studentId)!;
    for (const event of studentEvents) {
      const at = occurredAt(event);
      const domainEvent = asDomainEvent(event);
      // The first event of a new period: what came before is that period's starting snapshot.
      const period = periodStart(at);
      if (fold.lastEventAt !== null && fold.lastEventAt < period && !fold.snapshots?.has(period))
        setSnapshot(fold, period, JSON.stringify(fold.state));
      // A late event belongs in every later snapshot too (the reducer ignores order).
      for (const [periodStart, snapshot] of fold.snapshots ?? []) {
        if (periodStart > at) {
          const earlier =
            typeof snapshot === 'string' ? (JSON.parse(snapshot) as StudentProgress) : snapshot;
          setSnapshot(fold, periodStart, evolveStudentProgress(earlier, domainEvent));
        }
      }
      // The fold owns its state (read from the table or new, never shared): no copy per event.
      fold.state = evolveStudentProgressInPlace(fold.state, domainEvent);
      fold.lastEventAt = fold.lastEventAt === null || at > fold.lastEventAt ? at : fold.lastEventAt;
      activityRows.push({
        studentId,
        cohortId: fold.state.cohortId,
        occurredAt: at,
        transactionId: event.transactionId,
        globalPosition: event.globalPosition,
        eventType: event.type,
        actorId: event.metadata.actorId ?? null,
        actorRole: event.metadata.actorRole ?? null,
      });
    }
  }
  if (memo) {
    // Only state and watermark: snapshots are written through, not kept in memory.
    for (const [id, fold] of folds) {
      // Re-inserted at the end: the map's order is least recently touched first.
      memo.folds.delete(id);
      memo.folds.set(id, { state: fold.state, lastEventAt: fold.lastEventAt });
      memo.evicted.delete(id);
    }
    // Memory stays bounded however many students a tenant has: the students touched least
    // recently are written out (down to 3/4 of the limit, so this is not every batch).
    if (memo.folds.size > memo.limit) {
      const out = new Map<string, Pick<StudentFold, 'state' | 'lastEventAt'>>();
      for (const [id, fold] of memo.folds) {
        if (memo.folds.size - out.size <= Math.floor((memo.limit * 3) / 4)) break;
        out.set(id, fold);
      }
      for (const id of out.keys()) {
        memo.folds.delete(id);
        memo.evicted.add(id);
      }
      await saveProgress(writer, table(STUDENT_PROGRESS), out);
    }
  } else {
    await saveProgress(writer, table(STUDENT_PROGRESS), folds);
  }
  await saveSnapshots(writer, table(PROGRESS_SNAPSHOTS), folds);
  await insertActivity(writer, table(STUDENT_ACTIVITY), activityRows, memo !== null);
}

/**
 * One multi-row insert of parallel arrays. The array literals are built here: the driver's
 * generic array encoding (two regex replaces per element) cost more than the insert itself.
 */
async function insertActivity(
  tx: Writer,
  table: string,
  rows: readonly ActivityRow[],
  rebuilding: boolean,
) {
  if (rows.length === 0) return;
  // A rebuild applies each event exactly once to an empty twin: nothing to conflict with.
  await tx.query(
    `INSERT INTO ${table}
       (tenant_id, student_id, cohort_id, occurred_at, transaction_id, global_position, event_type, actor_id, actor_role)
     SELECT $1, r.*
       FROM unnest($2::text[], $3::text[], $4::timestamptz[], $5::xid8[], $6::bigint[], $7::text[], $8::text[],
                   $9::text[]) AS r
     ${rebuilding ? '' : 'ON CONFLICT DO NOTHING'}`,
    [
      tx.tenantId,
      textArray(rows, (r) => r.studentId),
      textArray(rows, (r) => r.cohortId),
      textArray(rows, (r) => r.occurredAt),
      textArray(rows, (r) => r.transactionId),
      textArray(rows, (r) => String(r.globalPosition)),
      textArray(rows, (r) => r.eventType),
      textArray(rows, (r) => r.actorId),
      textArray(rows, (r) => r.actorRole),
    ],
  );
}

/** A PostgreSQL array literal of quoted elements (NULL for null). */
export function textArray<T>(rows: readonly T[], pick: (row: T) => string | null): string {
  const parts: string[] = new Array<string>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const value = pick(rows[i]);
    if (value === null) parts[i] = 'NULL';
    else if (value.includes('"') || value.includes('\\'))
      parts[i] = `"${value.replace(/[\\"]/g, '\\$&')}"`;
    else parts[i] = `"${value}"`;
  }
  return `{${parts.join(',')}}`;
}

async function loadFolds(
  tx: Tx,
  table: (name: string) => string,
  byStudent: Map<string, RecordedEvent[]>,
  memo: TenantMemo | null,
): Promise<Map<string, StudentFold>> {
  const studentIds = [...byStudent.keys()];
  // In a rebuild, only students written out earlier can be in the table (the rest are new).
  const missing = memo
    ? studentIds.filter((id) => !memo.folds.has(id) && memo.evicted.has(id))
    : studentIds;
  const loaded =
    missing.length > 0
      ? await loadProgress(tx, table(STUDENT_PROGRESS), missing)
      : new Map<string, Pick<StudentFold, 'state' | 'lastEventAt'>>();
  const stored = { get: (id: string) => memo?.folds.get(id) ?? loaded.get(id) };
  // Only snapshots a batch event can still change: those starting after its instant. A snapshot
  // never starts after the student's last event, so only students with a late event have any.
  const late: string[] = [];
  const since: string[] = [];
  for (const [id, list] of byStudent) {
    const lastEventAt = stored.get(id)?.lastEventAt ?? null;
    if (lastEventAt === null) continue;
    let earliest = lastEventAt;
    for (const event of list) {
      const at = occurredAt(event);
      if (at < earliest) earliest = at;
    }
    if (earliest < lastEventAt) {
      late.push(id);
      since.push(earliest);
    }
  }
  const snapshots =
    late.length === 0
      ? []
      : await tx.query<{ student_id: string; period_start: Date; state: StudentProgress }>(
          `SELECT s.student_id, s.period_start, s.state
             FROM unnest($2::text[], $3::timestamptz[]) AS l(student_id, since)
             JOIN ${table(PROGRESS_SNAPSHOTS)} s
               ON s.tenant_id = $1 AND s.student_id = l.student_id AND s.period_start > l.since`,
          [tx.tenantId, late, since],
        );
  const folds = new Map<string, StudentFold>();
  for (const id of studentIds) {
    const known = stored.get(id);
    folds.set(id, {
      state: known?.state ?? initialStudentProgress(id),
      lastEventAt: known?.lastEventAt ?? null,
      snapshots: null,
      dirty: null,
    });
  }
  for (const s of snapshots) {
    (folds.get(s.student_id)!.snapshots ??= new Map()).set(s.period_start.toISOString(), s.state);
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

const PROGRESS_COLUMNS: InsertValuesSpec['columns'] = [
  ['student_id', 'text'],
  ['cohort_id', 'text'],
  ['state', 'json'],
  ['last_activity_at', 'timestamptz'],
  ['last_event_at', 'timestamptz'],
];

async function saveProgress(
  tx: Writer,
  table: string,
  folds: Map<string, Pick<StudentFold, 'state' | 'lastEventAt'>>,
) {
  await insertValues(
    tx,
    {
      table,
      columns: PROGRESS_COLUMNS,
      onConflict: `ON CONFLICT (tenant_id, student_id) DO UPDATE SET cohort_id = EXCLUDED.cohort_id,
        state = EXCLUDED.state, last_activity_at = EXCLUDED.last_activity_at, last_event_at = EXCLUDED.last_event_at`,
    },
    progressRows(folds),
  );
}

/** Encoded one at a time, as `insertValues` takes them: never every state's JSON at once. */
function* progressRows(
  folds: Map<string, Pick<StudentFold, 'state' | 'lastEventAt'>>,
): Generator<SqlValue[]> {
  for (const [studentId, f] of folds) {
    yield [
      studentId,
      f.state.cohortId,
      JSON.stringify(f.state),
      f.state.lastActivityAt,
      f.lastEventAt,
    ];
  }
}

const SNAPSHOT_COLUMNS: InsertValuesSpec['columns'] = [
  ['student_id', 'text'],
  ['period_start', 'timestamptz'],
  ['cohort_id', 'text'],
  ['state', 'json'],
];

async function saveSnapshots(tx: Writer, table: string, folds: Map<string, StudentFold>) {
  await insertValues(
    tx,
    {
      table,
      columns: SNAPSHOT_COLUMNS,
      onConflict: `ON CONFLICT (tenant_id, student_id, period_start) DO UPDATE SET state = EXCLUDED.state,
        cohort_id = EXCLUDED.cohort_id`,
    },
    snapshotRows(folds),
  );
}

/** The snapshots a batch created or changed, encoded one at a time as they are sent. */
function* snapshotRows(folds: Map<string, StudentFold>): Generator<SqlValue[]> {
  for (const [studentId, f] of folds) {
    for (const periodStart of f.dirty ?? []) {
      const snapshot = f.snapshots!.get(periodStart)!;
      yield [
        studentId,
        periodStart,
        f.state.cohortId,
        typeof snapshot === 'string' ? snapshot : JSON.stringify(snapshot),
      ];
    }
  }
}
