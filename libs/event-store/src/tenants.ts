import { randomUUID } from 'node:crypto';
import { type Database, type Tx } from './database/database';

export interface TenantRecord {
  tenantId: string;
  slug: string;
  name: string;
  createdAt: Date;
}

export class TenantError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TenantError';
  }
}

const SLUG = /^[a-z0-9][a-z0-9-]{1,62}$/;

/**
 * The tenant registry is the one table that must be read and written across tenants
 * (creating an institution, resolving a slug). Both go through SECURITY DEFINER functions.
 */
export class Tenants {
  constructor(private readonly database: Database) {}

  /** Registers a tenant; inside `tx` it commits or rolls back with the caller's other writes. */
  async create(
    input: { slug: string; name: string; tenantId?: string },
    tx?: Tx,
  ): Promise<TenantRecord> {
    if (!SLUG.test(input.slug)) {
      throw new TenantError(
        'slug must be 2-63 lowercase letters, digits or hyphens, starting with a letter or digit',
      );
    }
    const name = input.name.trim();
    if (!name || name.length > 200) throw new TenantError('name must be 1 to 200 characters');
    const tenantId = input.tenantId ?? randomUUID();
    const insert = async (t: Tx) => {
      await t.query(`SELECT rapport_create_tenant($1, $2, $3)`, [tenantId, input.slug, name]);
      return (await this.list(input.slug, t))[0];
    };
    try {
      return await (tx ? insert(tx) : this.database.withoutTenant(insert));
    } catch (error) {
      if ((error as { driverError?: { code?: string } }).driverError?.code === '23505') {
        throw new TenantError(`an institution with slug "${input.slug}" already exists`);
      }
      throw error;
    }
  }

  async findBySlug(slug: string): Promise<TenantRecord | null> {
    const [row] = await this.list(slug);
    return row ?? null;
  }

  async list(slug: string | null = null, tx?: Tx): Promise<TenantRecord[]> {
    const read = (t: Tx) =>
      t.query<{ tenant_id: string; slug: string; name: string; created_at: Date }>(
        `SELECT * FROM rapport_find_tenants($1)`,
        [slug],
      );
    const rows = await (tx ? read(tx) : this.database.withoutTenant(read));
    return rows.map((r) => ({
      tenantId: r.tenant_id,
      slug: r.slug,
      name: r.name,
      createdAt: r.created_at,
    }));
  }
}
