import { Injectable } from '@nestjs/common';
import type { StudentState } from '@rapport/domain';
import type { Tx } from '@rapport/event-store';
import { AGGREGATE_STATES } from '../write/aggregate-state.projection';
import { decodeState } from '../write/state-codec';

export interface StudentRecord {
  studentId: string;
  state: Extract<StudentState, { status: 'registered' }>;
}

/** Finds students by what a roster names them with: email within a cohort, external id anywhere. */
@Injectable()
export class StudentRecordsRepository {
  /** Who holds each of these external ids in the institution (sign-in matches on them). */
  async externalIdOwners(tx: Tx, externalIds: readonly string[]): Promise<Map<string, string>> {
    if (externalIds.length === 0) return new Map();
    const rows = await tx.query<{ external_id: string; student_id: string }>(
      `SELECT state->'personal'->>'externalId' AS external_id, aggregate_id AS student_id
         FROM ${AGGREGATE_STATES}
        WHERE tenant_id = $1 AND kind = 'student'
          AND state->'personal'->>'externalId' = ANY($2::text[])`,
      [tx.tenantId, externalIds],
    );
    return new Map(rows.map((row) => [row.external_id, row.student_id]));
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
