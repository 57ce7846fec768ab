import { Injectable } from '@nestjs/common';
import type { StudentState } from '@rapport/domain';
import type { Tx } from '@rapport/event-store';
import { AGGREGATE_STATES } from '../write/aggregate-state.projection';
import { decodeState } from '../write/state-codec';

export interface StudentRecord {
  studentId: string;
  state: Extract<StudentState, { status: 'registered' }>;
}

/** A student of the institution as a roster row may name them. */
export interface NamedStudent {
  studentId: string;
  /** The confirmed address, lower-cased. */
  email: string;
  externalId: string | null;
}

/** Finds students by what a roster names them with: email or external id. */
@Injectable()
export class StudentRecordsRepository {
  /**
   * The institution's students, in any cohort, with one of these (normalised) emails or one of
   * these external ids: a roster row naming one enrols that student (docs/adr/0019).
   */
  async studentsNamed(
    tx: Tx,
    emails: readonly string[],
    externalIds: readonly string[],
  ): Promise<NamedStudent[]> {
    if (emails.length === 0 && externalIds.length === 0) return [];
    const rows = await tx.query<{ student_id: string; email: string; external_id: string | null }>(
      `SELECT aggregate_id AS student_id, lower(state->'personal'->>'email') AS email,
              state->'personal'->>'externalId' AS external_id
         FROM ${AGGREGATE_STATES}
        WHERE tenant_id = $1 AND kind = 'student'
          AND (lower(state->'personal'->>'email') = ANY($2::text[])
               OR state->'personal'->>'externalId' = ANY($3::text[]))`,
      [tx.tenantId, emails, externalIds],
    );
    return rows.map((r) => ({
      studentId: r.student_id,
      email: r.email,
      externalId: r.external_id,
    }));
  }

  /**
   * The cohort's students with these (normalised) emails, and the institution's students with
   * these external ids, each once.
   */
  async forRoster(
    tx: Tx,
    cohortId: string,
    emails: readonly string[],
    externalIds: readonly string[],
  ): Promise<StudentRecord[]> {
    const rows = await tx.query<{ student_id: string; state: unknown }>(
      `SELECT aggregate_id AS student_id, state
         FROM ${AGGREGATE_STATES}
        WHERE tenant_id = $1 AND kind = 'student'
          AND ((cohort_id = $2 AND state->'personal'->>'email' = ANY($3::text[]))
               OR state->'personal'->>'externalId' = ANY($4::text[]))`,
      [tx.tenantId, cohortId, emails, externalIds],
    );
    return rows
      .map((row) => ({ studentId: row.student_id, state: decodeState<StudentState>(row.state) }))
      .filter((r): r is StudentRecord => r.state.status === 'registered');
  }
}
