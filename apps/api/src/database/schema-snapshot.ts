import type { Database } from '@rapport/event-store';

/**
 * A plain-text description of everything migrations create in the public schema: tables,
 * columns, constraints, indexes, row-level security, policies, grants and functions. One line
 * per object, sorted, so a diff reads as "what changed".
 */
export async function schemaSnapshot(owner: Database): Promise<string> {
  const rows = await owner.withoutTenant((tx) =>
    tx.query<{ line: string }>(`
      SELECT format('table %s rls=%s force=%s acl=%s', c.relname, c.relrowsecurity, c.relforcerowsecurity,
                    coalesce(array_to_string(array(SELECT unnest(c.relacl)::text ORDER BY 1), ','), '')) AS line
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind = 'r'
      UNION ALL
      SELECT format('column %s.%s %s%s%s%s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
                    CASE WHEN a.attnotnull THEN ' not null' ELSE '' END,
                    CASE WHEN a.attidentity <> '' THEN ' identity' ELSE '' END,
                    coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), ''))
        FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
       WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
      UNION ALL
      SELECT format('constraint %s.%s %s', c.relname, k.conname, pg_get_constraintdef(k.oid))
        FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND k.contype <> 'n'
      UNION ALL
      SELECT format('index %s', indexdef) FROM pg_indexes WHERE schemaname = 'public'
      UNION ALL
      SELECT format('policy %s.%s %s %s using(%s) check(%s)', tablename, policyname, cmd,
                    array_to_string(roles, ','), qual, with_check)
        FROM pg_policies WHERE schemaname = 'public'
      UNION ALL
      SELECT format('function %s(%s) returns %s security_definer=%s owner=%s acl=%s', p.proname,
                    pg_get_function_identity_arguments(p.oid), pg_get_function_result(p.oid), p.prosecdef,
                    pg_get_userbyid(p.proowner),
                    coalesce(array_to_string(array(SELECT unnest(p.proacl)::text ORDER BY 1), ','), ''))
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
       WHERE n.nspname = 'public'
      ORDER BY 1`),
  );
  return rows.map((r) => r.line).join('\n') + '\n';
}
