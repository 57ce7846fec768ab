import { Injectable } from '@nestjs/common';
import {
  type CohortState,
  onRoster,
  type StreamKind,
  streamIds,
  type StudentState,
} from '@rapport/domain';
import { Database, type Tx } from '@rapport/event-store';
import { AGGREGATE_STATES } from './aggregate-state.projection';
import { aggregateOf, initialFold } from './aggregates';
import type { Loaded, StateReader } from './command-executor';
import { StateCache } from './state-cache';
import { decodeState } from './state-codec';

export interface StoredAggregate<S> {
  streamId: string;
  aggregateId: string | null;
  state: S;
  /** What readers need beyond decisions (an interview's notes); null for kinds without one. */
  view: unknown;
  version: number;
  updatedAt: Date;
}

interface Row {
  stream_id: string;
  aggregate_id: string | null;
  state: unknown;
  view?: unknown;
  version: string;
  updated_at: Date;
}

/** Reads the inline aggregate states: what mutations return and authorization looks up. */
@Injectable()
export class AggregateStatesRepository {
  constructor(
    private readonly database: Database,
    private readonly cache: StateCache,
  ) {}

  async find<S>(tenantId: string, streamId: string): Promise<StoredAggregate<S> | null> {
    const [row] = await this.rows(tenantId, [streamId]);
    return row ? toStored<S>(row) : null;
  }

  /**
   * States as stored now, in one statement (`rapport_load_states` sets the tenant itself);
   * streams with no row load as their initial state at version 0. Each refreshes the state
   * cache the command executor decides from.
   */
  async loadMany(
    tenantId: string,
    streams: readonly string[],
    tx?: Tx,
  ): Promise<Map<string, Loaded<unknown>>> {
    const found = new Map((await this.rows(tenantId, streams, tx)).map((r) => [r.stream_id, r]));
    return new Map(
      streams.map((streamId) => {
        const row = found.get(streamId);
        const loaded = row
          ? { state: decodeState(row.state), view: row.view ?? null, version: Number(row.version) }
          : { ...initialFold(aggregateOf(streamId).kind), version: 0 };
        // What was committed just now is what a decision would load next (a transaction's own
        // rows may still roll back).
        if (!tx) this.cache.set(tenantId, streamId, loaded);
        return [streamId, loaded];
      }),
    );
  }

  /** Reads states as stored now, one statement per stream, for checks that decide nothing. */
  reader(tenantId: string): StateReader {
    return {
      get: async <S, V>(streamId: string) =>
        (await this.loadMany(tenantId, [streamId])).get(streamId) as Loaded<S, V>,
    };
  }

  private rows(tenantId: string, streams: readonly string[], tx?: Tx): Promise<Row[]> {
    return tx
      ? tx.query<Row>(
          `SELECT stream_id, aggregate_id, version, state, view, updated_at FROM ${AGGREGATE_STATES}
            WHERE tenant_id = $1 AND stream_id = ANY($2)`,
          [tx.tenantId, streams],
          'load_states',
        )
      : this.database.statement<Row>(
          `SELECT * FROM rapport_load_states($1, $2)`,
          [tenantId, streams],
          'rapport_load_states',
        );
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
    const students = await this.loadMany(
      tenantId,
      studentIds.map((id) => streamIds.student(id)),
    );
    const cohortIds = new Set<string>();
    for (const { state } of students.values()) {
      const student = state as StudentState;
      if (student.status === 'registered') cohortIds.add(student.cohortId);
    }
    const cohorts = await this.loadMany(
      tenantId,
      [...cohortIds].map((id) => streamIds.cohort(id)),
    );
    return new Set(
      [...students.values()]
        .map(({ state }) => state as StudentState)
        .filter((student) =>
          onRoster(
            student,
            student.status === 'registered'
              ? (cohorts.get(streamIds.cohort(student.cohortId))!.state as CohortState)
              : null,
          ),
        )
        .map((student) => (student.status === 'registered' ? student.studentId : '')),
    );
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
    view: row.view ?? null,
    version: Number(row.version),
    updatedAt: row.updated_at,
  };
}
