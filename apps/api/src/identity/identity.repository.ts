import { Injectable } from '@nestjs/common';
import { Database } from '@rapport/event-store';
import type { Role } from '../auth/actor';
import { AGGREGATE_STATES } from '../write/aggregate-state.projection';
import { IDENTITY_LINKS } from './identity-links.projection';

export interface LinkedPerson {
  personId: string;
  role: Role;
}

/** The SQL of sign-in: links made earlier, and the students a first sign-in may be. */
@Injectable()
export class IdentityRepository {
  constructor(private readonly database: Database) {}

  async findLink(tenantId: string, issuer: string, subject: string): Promise<LinkedPerson | null> {
    const [row] = await this.database.withTenant(tenantId, (tx) =>
      tx.query<{ person_id: string; role: Role }>(
        `SELECT person_id, role FROM ${IDENTITY_LINKS}
          WHERE tenant_id = $1 AND issuer = $2 AND subject = $3`,
        [tx.tenantId, issuer, subject],
        'identity-link',
      ),
    );
    return row ? { personId: row.person_id, role: row.role } : null;
  }

  /**
   * Students of the tenant whose confirmed email (lower-cased) or external id is the given one.
   * `externalId` is read where roster imports put it; states without it simply do not match.
   */
  async studentsByEmailOrExternalId(
    tenantId: string,
    email: string | null,
    externalId: string | null,
  ): Promise<string[]> {
    const rows = await this.database.withTenant(tenantId, (tx) =>
      tx.query<{ student_id: string }>(
        `SELECT aggregate_id AS student_id FROM ${AGGREGATE_STATES}
          WHERE tenant_id = $1 AND kind = 'student'
            AND (lower(state->'personal'->>'email') = $2 OR (state->'personal'->>'externalId') = $3)`,
        [tx.tenantId, email, externalId],
      ),
    );
    return rows.map((r) => r.student_id);
  }
}
