import { type Database } from './database';
import { Roles } from './roles';

export class UnsafeDatabaseRoleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeDatabaseRoleError';
  }
}

interface RoleFacts {
  role: string;
  superuser: boolean;
  bypassrls: boolean;
  owns: string[];
  memberships: string[];
}

/** Which connection is being checked: the one request paths use, or the background one. */
export type CheckedConnection =
  { kind: 'app'; setting: string } | { kind: 'worker'; setting: string };

/**
 * Refuses a connection whose role row-level security cannot fence: a superuser, a BYPASSRLS
 * role, an owner of the tables, or a member of a role it must not act as (the owner, the
 * BYPASSRLS owner of the cross-tenant functions, or, for the app, the worker). The check runs
 * as the connection's current role, so on the embedded database it sees the role each
 * transaction assumes.
 */
export async function assertFencedRole(
  database: Database,
  connection: CheckedConnection,
): Promise<void> {
  const forbidden: string[] =
    connection.kind === 'app'
      ? [Roles.owner, Roles.global, Roles.worker]
      : [Roles.owner, Roles.global];
  const [facts] = await database.withoutTenant((tx) =>
    tx.query<RoleFacts>(
      `SELECT r.rolname AS role, r.rolsuper AS superuser, r.rolbypassrls AS bypassrls,
              ARRAY(SELECT c.relname::text FROM pg_class c
                     WHERE c.relnamespace = 'public'::regnamespace
                       AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
                       AND pg_has_role(current_user, c.relowner, 'MEMBER')
                     ORDER BY c.relname LIMIT 3) AS owns,
              ARRAY(SELECT b.rolname::text FROM pg_roles b
                     WHERE ((b.rolname <> current_user AND (b.rolsuper OR b.rolbypassrls))
                            OR b.rolname = ANY($1::text[]))
                       AND pg_has_role(current_user, b.oid, 'MEMBER')
                     ORDER BY b.rolname) AS memberships
         FROM pg_roles r WHERE r.rolname = current_user`,
      [forbidden],
    ),
  );
  const problems: string[] = [];
  if (facts.superuser) problems.push('it is a superuser');
  if (facts.bypassrls) problems.push('it has BYPASSRLS');
  if (!facts.superuser && facts.owns.length > 0)
    problems.push(
      `it owns ${facts.owns.join(', ')}${facts.owns.length === 3 ? ' and more' : ''}, and an owner can switch RLS off`,
    );
  if (facts.memberships.includes(facts.role)) problems.push(`it is ${facts.role}`);
  const others = facts.memberships.filter((m) => m !== facts.role);
  if (!facts.superuser && others.length > 0)
    problems.push(`it can act as ${others.join(', ')} (role membership)`);
  if (problems.length === 0) return;
  const expected =
    connection.kind === 'app'
      ? `${Roles.app} (LOGIN NOSUPERUSER NOBYPASSRLS, owning nothing, a member of none of ${forbidden.join(', ')})`
      : `${Roles.worker} (LOGIN NOSUPERUSER NOBYPASSRLS, owning nothing, a member of ${Roles.app} only)`;
  throw new UnsafeDatabaseRoleError(
    `refusing to start: ${connection.setting} connects as role "${facts.role}", which row-level ` +
      `security does not fence: ${problems.join('; ')}. Connect as ${expected}; see docs/adr/0011.`,
  );
}
