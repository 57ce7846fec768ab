/**
 * The four database roles Rapport relies on. Tenant isolation is only as strong as
 * the separation between them, so their names are fixed and checked at start-up.
 */
export const Roles = {
  /** Owns every table; migrations and table swaps run as this role. Subject to FORCE RLS. */
  owner: 'rapport_owner',
  /**
   * What request paths connect as: DML under RLS only, no BYPASSRLS, owns nothing, and may
   * execute no function that crosses tenants (docs/adr/0011).
   */
  app: 'rapport_app',
  /**
   * Background work (projection runner, digest planning and delivery claims, institution
   * registration): a member of rapport_app, so subject to RLS for every row it writes, plus
   * EXECUTE on the narrow cross-tenant functions. No request path uses its connection.
   */
  worker: 'rapport_worker',
  /** NOLOGIN, BYPASSRLS; owns only the few SECURITY DEFINER functions that must cross tenants. */
  global: 'rapport_global',
} as const;

export type RoleName = (typeof Roles)[keyof typeof Roles];

/**
 * Idempotent cluster and database set-up, run by a superuser (the `.ci/run` script,
 * `npm run db:bootstrap`, the embedded database on first start). The passwords are
 * development defaults; production operators create the roles with their own secrets.
 */
export function bootstrapSql(database: string): string {
  const db = quoteIdent(database);
  return `
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${Roles.owner}') THEN
    CREATE ROLE ${Roles.owner} LOGIN PASSWORD '${Roles.owner}' NOSUPERUSER NOBYPASSRLS NOCREATEROLE;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${Roles.app}') THEN
    CREATE ROLE ${Roles.app} LOGIN PASSWORD '${Roles.app}' NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${Roles.worker}') THEN
    CREATE ROLE ${Roles.worker} LOGIN PASSWORD '${Roles.worker}' NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${Roles.global}') THEN
    CREATE ROLE ${Roles.global} NOLOGIN NOSUPERUSER BYPASSRLS;
  END IF;
END
$$;
GRANT ${Roles.global} TO ${Roles.owner};
GRANT ${Roles.app} TO ${Roles.worker};
GRANT CONNECT, TEMPORARY ON DATABASE ${db} TO ${Roles.owner}, ${Roles.app}, ${Roles.worker};
GRANT CREATE ON DATABASE ${db} TO ${Roles.owner};
GRANT USAGE, CREATE ON SCHEMA public TO ${Roles.owner}, ${Roles.global};
`;
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
