/**
 * The three database roles Rapport relies on. Tenant isolation is only as strong as
 * the separation between them, so their names are fixed and checked at start-up.
 */
export const Roles = {
  /** Owns every table; migrations and table swaps run as this role. Subject to FORCE RLS. */
  owner: 'rapport_owner',
  /** What the API connects as: DML only, no BYPASSRLS, owns nothing. */
  app: 'rapport_app',
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
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${Roles.global}') THEN
    CREATE ROLE ${Roles.global} NOLOGIN NOSUPERUSER BYPASSRLS;
  END IF;
END
$$;
GRANT ${Roles.global} TO ${Roles.owner};
GRANT CONNECT, TEMPORARY ON DATABASE ${db} TO ${Roles.owner}, ${Roles.app};
GRANT CREATE ON DATABASE ${db} TO ${Roles.owner};
GRANT USAGE, CREATE ON SCHEMA public TO ${Roles.owner}, ${Roles.global};
`;
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
