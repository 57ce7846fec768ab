import { Injectable } from '@nestjs/common';
import type { StaffRole } from '@rapport/domain';
import type { Tx } from '@rapport/event-store';
import { AGGREGATE_STATES } from '../write/aggregate-state.projection';

/** The SQL staff needs beyond one aggregate's state: lookups across staff members. */
@Injectable()
export class StaffRepository {
  /**
   * Serialises invitations of one address in an institution until the transaction ends, so two
   * concurrent invitations cannot both find it free.
   */
  async lockEmail(tx: Tx, email: string): Promise<void> {
    await tx.query(
      `SELECT pg_advisory_xact_lock(hashtextextended($1 || '|staff-email|' || $2, 0))`,
      [tx.tenantId, email],
    );
  }

  /** Staff members who are not deactivated and have this (normalised) email. */
  async withEmail(tx: Tx, email: string): Promise<{ staffId: string; role: StaffRole }[]> {
    const rows = await tx.query<{ staff_id: string; role: StaffRole }>(
      `SELECT aggregate_id AS staff_id, state->>'role' AS role FROM ${AGGREGATE_STATES}
        WHERE tenant_id = $1 AND kind = 'staff' AND state->'personal'->>'email' = $2
          AND state->>'status' <> 'deactivated'
        ORDER BY aggregate_id`,
      [tx.tenantId, email],
    );
    return rows.map((r) => ({ staffId: r.staff_id, role: r.role }));
  }
}
