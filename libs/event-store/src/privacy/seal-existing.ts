import { type Database } from '../database/database';
import { sealPersonal, sealedOwner } from './envelope';
import { type KeyRing } from './key-ring';
import { type PersonalDataPolicy } from './personal-data';

const BATCH = 1_000;

/**
 * Seals every `data.personal` still in plain text (events written before docs/adr/0024), in
 * place, as the owner role (the application role cannot UPDATE events). Idempotent: sealed
 * values are left alone. A person whose key was already destroyed has their plain personal
 * part replaced by its erased form. Returns how many events it changed.
 */
export async function sealPlaintextEvents(
  owner: Database,
  keys: KeyRing,
  policy: PersonalDataPolicy,
): Promise<number> {
  const tenants = await owner.withoutTenant((tx) =>
    tx.query<{ tenant_id: string }>(`SELECT tenant_id FROM rapport_find_tenants(NULL)`),
  );
  let changed = 0;
  for (const { tenant_id: tenant } of tenants) {
    let after = 0;
    for (;;) {
      const done = await owner.withTenant(tenant, async (tx) => {
        const rows = await tx.query<{
          global_position: string;
          event_id: string;
          type: string;
          data: Record<string, unknown>;
        }>(
          `SELECT global_position, event_id, type, data FROM events
            WHERE tenant_id = $1 AND global_position > $2 AND jsonb_typeof(data->'personal') = 'object'
            ORDER BY global_position LIMIT ${BATCH}`,
          [tenant, after],
        );
        if (rows.length === 0) return true;
        after = Number(rows[rows.length - 1].global_position);
        const positions: string[] = [];
        const documents: string[] = [];
        for (const row of rows) {
          const ownerId = policy.ownerOf(row.type, row.data);
          if (ownerId === null || sealedOwner(row.data.personal) !== null) continue;
          const [key] = [...(await keys.openingKeys(tx, tenant, [ownerId])).values()];
          if (!key && canonical(policy.erased(row.type, row.data)) === canonical(row.data.personal))
            continue; // already erased by an earlier run
          const personal = key
            ? sealPersonal(
                key,
                { tenantId: tenant, eventId: row.event_id, ownerId },
                row.data.personal,
              )
            : (await keys.isDestroyed(tx, ownerId))
              ? policy.erased(row.type, row.data)
              : sealPersonal(
                  await keys.sealingKey(tx, ownerId),
                  { tenantId: tenant, eventId: row.event_id, ownerId },
                  row.data.personal,
                );
          positions.push(row.global_position);
          documents.push(JSON.stringify({ ...row.data, personal }));
        }
        if (positions.length > 0) {
          changed += await tx.execute(
            `UPDATE events e SET data = v.data
               FROM unnest($2::bigint[], $3::jsonb[]) AS v(global_position, data)
              WHERE e.tenant_id = $1 AND e.global_position = v.global_position`,
            [tenant, positions, documents],
          );
        }
        return rows.length < BATCH;
      });
      if (done) break;
    }
  }
  return changed;
}

/** JSON with object keys sorted, as jsonb stores them in no particular order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}
