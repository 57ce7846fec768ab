import { Injectable } from '@nestjs/common';
import { type StreamKind, streamIds } from '@rapport/domain';
import { Database } from '@rapport/event-store';
import { AGGREGATE_STATES } from './aggregate-state.projection';
import { decodeState } from './state-codec';

export interface StoredAggregate<S> {
  streamId: string;
  aggregateId: string | null;
  state: S;
  version: number;
  updatedAt: Date;
}

interface Row {
  stream_id: string;
  aggregate_id: string | null;
  state: unknown;
  version: string;
  updated_at: Date;
}

/** Reads the inline aggregate states: what mutations return and authorization looks up. */
@Injectable()
export class AggregateStatesRepository {
  constructor(private readonly database: Database) {}

  async find<S>(tenantId: string, streamId: string): Promise<StoredAggregate<S> | null> {
    const rows = await this.database.withTenant(tenantId, (tx) =>
      tx.query<Row>(`SELECT * FROM ${AGGREGATE_STATES} WHERE tenant_id = $1 AND stream_id = $2`, [
        tx.tenantId,
        streamId,
      ]),
    );
    return rows[0] ? toStored<S>(rows[0]) : null;
  }

  /** All aggregates of a kind, optionally of one student or one cohort, oldest first. */
  async list<S>(
    tenantId: string,
    kind: StreamKind,
    filter: { studentId?: string; cohortId?: string } = {},
  ): Promise<StoredAggregate<S>[]> {
    const rows = await this.database.withTenant(tenantId, (tx) =>
      tx.query<Row>(
        `SELECT * FROM ${AGGREGATE_STATES}
          WHERE tenant_id = $1 AND kind = $2
            AND ($3::text IS NULL OR student_id = $3) AND ($4::text IS NULL OR cohort_id = $4)
          ORDER BY updated_at, stream_id`,
        [tx.tenantId, kind, filter.studentId ?? null, filter.cohortId ?? null],
      ),
    );
    return rows.map((row) => toStored<S>(row));
  }

  /** All aggregates of a kind belonging to any of the given students, in one read (DataLoader batches). */
  async listByStudents<S>(
    tenantId: string,
    kind: StreamKind,
    studentIds: readonly string[],
  ): Promise<StoredAggregate<S>[]> {
    const rows = await this.database.withTenant(tenantId, (tx) =>
      tx.query<Row>(
        `SELECT * FROM ${AGGREGATE_STATES}
          WHERE tenant_id = $1 AND kind = $2 AND student_id = ANY($3)
          ORDER BY updated_at, stream_id`,
        [tx.tenantId, kind, studentIds],
      ),
    );
    return rows.map((row) => toStored<S>(row));
  }

  /**
   * One page of each given student's aggregates of a kind, in id order after `afterStreamId`,
   * with each student's total: a nested list costs two statements per batch of students.
   */
  async pageByStudents<S>(
    tenantId: string,
    kind: StreamKind,
    studentIds: readonly string[],
    limit: number,
    afterStreamId: string | null,
  ): Promise<{
    rows: (StoredAggregate<S> & { studentId: string })[];
    totals: Map<string, number>;
  }> {
    return this.database.withTenant(tenantId, async (tx) => {
      const rows = await tx.query<Row & { student_id: string }>(
        `SELECT a.* FROM unnest($3::text[]) AS s(id)
           CROSS JOIN LATERAL (
             SELECT * FROM ${AGGREGATE_STATES}
              WHERE tenant_id = $1 AND kind = $2 AND student_id = s.id
                AND ($4::text IS NULL OR stream_id > $4)
              ORDER BY stream_id LIMIT $5) a`,
        [tx.tenantId, kind, studentIds, afterStreamId, limit],
      );
      const totals = await tx.query<{ student_id: string; total: number }>(
        `SELECT student_id, count(*)::int AS total FROM ${AGGREGATE_STATES}
          WHERE tenant_id = $1 AND kind = $2 AND student_id = ANY($3)
          GROUP BY student_id`,
        [tx.tenantId, kind, studentIds],
      );
      return {
        rows: rows.map((row) => ({ ...toStored<S>(row), studentId: row.student_id })),
        totals: new Map(totals.map((t) => [t.student_id, t.total])),
      };
    });
  }

  /** Which of the given students are on their cohort's roster now (registered, not withdrawn). */
  async enrolledAmong(tenantId: string, studentIds: readonly string[]): Promise<Set<string>> {
    if (studentIds.length === 0) return new Set();
    const rows = await this.database.withTenant(tenantId, (tx) =>
      tx.query<{ student_id: string }>(
        `SELECT s.aggregate_id AS student_id FROM ${AGGREGATE_STATES} s
           JOIN ${AGGREGATE_STATES} c ON c.tenant_id = s.tenant_id AND c.stream_id = 'cohort-' || s.cohort_id
          WHERE s.tenant_id = $1 AND s.stream_id = ANY($2)
            AND c.state::jsonb->'students'->'$map' @> jsonb_build_array(jsonb_build_array(s.aggregate_id))`,
        [tx.tenantId, studentIds.map((id) => streamIds.student(id))],
      ),
    );
    return new Set(rows.map((r) => r.student_id));
  }

  /** Whether an advisor is assigned to a cohort the student is currently enrolled in (not withdrawn). */
  async advises(tenantId: string, advisorId: string, studentId: string): Promise<boolean> {
    const [row] = await this.database.withTenant(tenantId, (tx) =>
      tx.query<{ advises: boolean }>(
        `SELECT EXISTS (
           SELECT 1 FROM ${AGGREGATE_STATES} s
             JOIN ${AGGREGATE_STATES} c ON c.tenant_id = s.tenant_id AND c.stream_id = 'cohort-' || s.cohort_id
            WHERE s.tenant_id = $1 AND s.stream_id = 'student-' || $2 AND c.state::jsonb->'advisorIds' ? $3
              AND c.state::jsonb->'students'->'$map' @> jsonb_build_array(jsonb_build_array($2::text))
         ) AS advises`,
        [tx.tenantId, studentId, advisorId],
      ),
    );
    return row.advises;
  }
}

function toStored<S>(row: Row): StoredAggregate<S> {
  return {
    streamId: row.stream_id,
    aggregateId: row.aggregate_id,
    state: decodeState<S>(row.state),
    version: Number(row.version),
    updatedAt: row.updated_at,
  };
}
