import { Injectable } from '@nestjs/common';
import { Database } from '@rapport/event-store';

/**
 * Whether a token's tenant is a registered institution. A validly signed token for an unknown
 * tenant must not be able to create streams there. Known tenants are remembered: institutions
 * are never deleted while the process runs.
 */
@Injectable()
export class TenantDirectory {
  private readonly known = new Set<string>();

  constructor(private readonly database: Database) {}

  async exists(tenantId: string): Promise<boolean> {
    if (this.known.has(tenantId)) return true;
    const rows = await this.database.withTenant(tenantId, (tx) =>
      tx.query(`SELECT 1 FROM tenants WHERE tenant_id = $1`, [tx.tenantId]),
    );
    if (rows.length > 0) this.known.add(tenantId);
    return rows.length > 0;
  }
}
