import { Injectable } from '@nestjs/common';
import {
  type DomainEvent,
  foldAsOf,
  initialStudentProgress,
  type SettingsTimeline,
  type StudentProgress,
  streamIds,
} from '@rapport/domain';
import { assertTenantId, Database, type EventRow, EventStore } from '@rapport/event-store';
import {
  PROGRESS_SNAPSHOTS,
  SETTINGS_TIMELINES,
  STUDENT_ACTIVITY,
  STUDENT_ENROLMENTS,
  STUDENT_PROGRESS,
} from './student-progress.projection';

export interface ActivityRow {
  student_id: string;
  occurred_at: Date;
  global_position: string;
  event_type: string;
  schema_version: number;
  actor_id: string | null;
  actor_role: string | null;
  data: DomainEvent['data'];
}

/** A live cohort dashboard's fingerprint and who may see the cohort, read in one statement. */
export interface CohortFingerprint {
  fingerprint: string;
  cohortActive: boolean;
  /** Whether the given advisor is assigned to the cohort. */
  advisorAssigned: boolean;
}

/** Where a page of activity ends: the entry's instant and its position in the log. */
export interface ActivityKey {
  at: string;
  position: number;
}

/** The SQL behind the dashboards. Every read is one statement, whatever the number of students. */
@Injectable()
export class ProgressRepository {
  constructor(
    private readonly database: Database,
    private readonly store: EventStore,
  ) {}

  /** Live progress (as projected) of the given students. */
  async progressOf(
    tenantId: string,
    studentIds: readonly string[],
  ): Promise<Map<string, StudentProgress>> {
    const rows = await this.database.withTenant(tenantId, (tx) =>
      tx.query<{ student_id: string; state: StudentProgress }>(
        `SELECT student_id, state FROM ${STUDENT_PROGRESS} WHERE tenant_id = $1 AND student_id = ANY($2)`,
        [tx.tenantId, studentIds],
      ),
    );
    return new Map(rows.map((r) => [r.student_id, r.state]));
  }

  /**
   * What a live cohort dashboard is computed from, as one string that changes whenever any of
   * it does (the row versions (xmin) of the cohort's students' progress, of the cohort's state
   * and of the institution's settings timeline), with what the access check needs. One
   * statement that sets the tenant itself (docs/adr/0029); no state is read.
   */
  async cohortFingerprint(
    tenantId: string,
    cohortId: string,
    advisorId: string,
  ): Promise<CohortFingerprint> {
    const [row] = await this.database.statement<{
      fingerprint: string;
      cohort_status: string | null;
      advisor_assigned: boolean;
    }>(
      `SELECT fingerprint, cohort_status, advisor_assigned FROM rapport_dashboard_fingerprint($1, $2, $3, $4)`,
      [assertTenantId(tenantId), cohortId, streamIds.cohort(cohortId), advisorId],
      'rapport_dashboard_fingerprint',
    );
    return {
      fingerprint: row.fingerprint,
      cohortActive: row.cohort_status === 'active',
      advisorAssigned: row.advisor_assigned,
    };
  }

  /**
   * Live progress of every student ever in a cohort: those withdrawn or moved on to another
   * cohort are included, their stays in the state.
   */
  async progressOfCohort(tenantId: string, cohortId: string): Promise<StudentProgress[]> {
    const rows = await this.database.withTenant(tenantId, (tx) =>
      tx.query<{ state: StudentProgress }>(
        `SELECT p.state FROM ${STUDENT_ENROLMENTS} e
           JOIN ${STUDENT_PROGRESS} p ON p.tenant_id = e.tenant_id AND p.student_id = e.student_id
          WHERE e.tenant_id = $1 AND e.cohort_id = $2 ORDER BY p.student_id`,
        [tx.tenantId, cohortId],
      ),
    );
    return rows.map((r) => r.state);
  }

  async settingsTimeline(tenantId: string): Promise<SettingsTimeline> {
    const [row] = await this.database.withTenant(tenantId, (tx) =>
      tx.query<{ timeline: SettingsTimeline }>(
        `SELECT timeline FROM ${SETTINGS_TIMELINES} WHERE tenant_id = $1`,
        [tx.tenantId],
      ),
    );
    return row?.timeline ?? [];
  }

  /**
   * Each student's progress as it was at `asOf`: their latest snapshot before it, then the
   * events recorded from that snapshot's start up to `asOf`, folded in commit order with the
   * projection's reducer. Two statements, each an index range per student; never a scan of
   * the event log.
   */
  async progressAsOf(
    tenantId: string,
    scope: { studentIds: readonly string[] } | { cohortId: string },
    asOf: Date,
  ): Promise<Map<string, StudentProgress>> {
    const byCohort = 'cohortId' in scope;
    const { starts, rows, recordedRows } = await this.database.withTenant(tenantId, async (tx) => {
      const starts = await tx.query<{
        student_id: string;
        period_start: Date | null;
        state: StudentProgress | null;
      }>(
        `SELECT p.student_id, s.period_start, s.state
           FROM ${STUDENT_PROGRESS} p
           LEFT JOIN LATERAL (
             SELECT period_start, state FROM ${PROGRESS_SNAPSHOTS} s
              WHERE s.tenant_id = p.tenant_id AND s.student_id = p.student_id AND s.period_start <= $3
              ORDER BY s.period_start DESC LIMIT 1) s ON true
          WHERE p.tenant_id = $1 AND p.student_id = ANY(${
            byCohort
              ? `SELECT student_id FROM ${STUDENT_ENROLMENTS} WHERE tenant_id = $1 AND cohort_id = $2`
              : '$2'
          })`,
        [tx.tenantId, byCohort ? scope.cohortId : scope.studentIds, asOf],
      );
      const rows = await tx.query<EventRow & { activity_student_id: string }>(
        `SELECT b.student_id AS activity_student_id, e.*
           FROM unnest($2::text[], $3::timestamptz[]) AS b(student_id, since)
           JOIN ${STUDENT_ACTIVITY} a
             ON a.tenant_id = $1 AND a.student_id = b.student_id AND a.occurred_at >= b.since AND a.occurred_at <= $4
           JOIN events e ON e.tenant_id = a.tenant_id AND e.global_position = a.global_position
          ORDER BY a.transaction_id, a.global_position`,
        [
          tx.tenantId,
          starts.map((s) => s.student_id),
          starts.map((s) => s.period_start ?? '-infinity'),
          asOf,
        ],
      );
      return { starts, rows, recordedRows: await this.store.toRecords(tx, rows) };
    });
    const events = new Map<string, DomainEvent[]>();
    for (const [i, row] of rows.entries()) {
      const recorded = recordedRows[i];
      const list = events.get(row.activity_student_id);
      const event = { type: recorded.type, data: recorded.data } as DomainEvent;
      if (list) list.push(event);
      else events.set(row.activity_student_id, [event]);
    }
    const instant = asOf.toISOString();
    const folded = new Map<string, StudentProgress>();
    for (const start of starts) {
      const id = start.student_id;
      const from = start.state ?? initialStudentProgress(id);
      folded.set(id, foldAsOf(from, events.get(id) ?? [], instant));
    }
    return folded;
  }

  /** A page of a student's activity, newest first, after the keyset cursor, without `hidden` types. */
  async activity(
    tenantId: string,
    studentId: string,
    limit: number,
    after: ActivityKey | null,
    hidden: readonly string[],
  ): Promise<{ rows: ActivityRow[]; total: number }> {
    return this.database.withTenant(tenantId, async (tx) => {
      const rows = await tx.query<
        ActivityRow & { tenant_id: string; event_id: string; type: string }
      >(
        `SELECT a.student_id, a.occurred_at, a.global_position, a.event_type, a.actor_id, a.actor_role,
                e.schema_version, e.data, e.tenant_id, e.event_id, e.type
           FROM ${STUDENT_ACTIVITY} a
           JOIN events e ON e.tenant_id = a.tenant_id AND e.global_position = a.global_position
          WHERE a.tenant_id = $1 AND a.student_id = $2 AND a.event_type <> ALL($6)
            AND ($3::timestamptz IS NULL OR (a.occurred_at, a.global_position) < ($3, $4))
          ORDER BY a.occurred_at DESC, a.global_position DESC
          LIMIT $5`,
        [tx.tenantId, studentId, after?.at ?? null, after?.position ?? 0, limit, hidden],
      );
      const [{ total }] = await tx.query<{ total: number }>(
        `SELECT count(*)::int AS total FROM ${STUDENT_ACTIVITY}
          WHERE tenant_id = $1 AND student_id = $2 AND event_type <> ALL($3)`,
        [tx.tenantId, studentId, hidden],
      );
      // Personal parts opened, old events in their current shape, like every other read of the log.
      const opened = await this.store.openData(tx, rows);
      const result = rows.map(({ tenant_id: _t, event_id: _e, type: _y, ...row }, i) => ({
        ...row,
        data: this.store.upcasters.apply(row.event_type, row.schema_version, opened[i])
          .data as DomainEvent['data'],
      }));
      return { rows: result, total };
    });
  }
}
