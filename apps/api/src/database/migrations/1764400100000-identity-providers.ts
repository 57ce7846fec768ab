import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sign-in through each institution's own OpenID provider (docs/adr/0015).
 *
 * `identity_providers` routes a token's issuer to its institution. An issuer belongs to one
 * institution, so `issuer` is unique across tenants, as `tenants.slug` is: a registry, not a read
 * model. Under RLS each institution sees and writes only its own row, and a duplicate issuer
 * fails on the unique index without revealing whose it is. Only the worker may read the whole
 * registry, through `rapport_identity_providers()`, to load the issuer directory.
 *
 * `identity_links` maps (issuer, subject) to the person a first sign-in matched: an inline
 * projection of `IdentityLinked`, read on every sign-in.
 */
export class IdentityProviders1764400100000 implements MigrationInterface {
  name = 'IdentityProviders1764400100000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
CREATE TABLE identity_providers (
  tenant_id         uuid PRIMARY KEY,
  issuer            text NOT NULL CONSTRAINT identity_providers_issuer_key UNIQUE
                    CHECK (length(issuer) BETWEEN 1 AND 500),
  audience          text NOT NULL CHECK (length(audience) BETWEEN 1 AND 500),
  email_claim       text NOT NULL,
  external_id_claim text,
  updated_at        timestamptz NOT NULL
);
SELECT rapport_secure_tenant_table('identity_providers');

CREATE FUNCTION rapport_identity_providers()
RETURNS TABLE (tenant_id uuid, issuer text, audience text, email_claim text, external_id_claim text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
  SELECT tenant_id, issuer, audience, email_claim, external_id_claim FROM identity_providers
$fn$;
GRANT SELECT ON identity_providers TO rapport_global;
ALTER FUNCTION rapport_identity_providers() OWNER TO rapport_global;
REVOKE ALL ON FUNCTION rapport_identity_providers() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rapport_identity_providers() TO rapport_worker;

CREATE TABLE identity_links (
  tenant_id uuid NOT NULL,
  issuer    text NOT NULL,
  subject   text NOT NULL,
  person_id text NOT NULL,
  role      text NOT NULL CHECK (role IN ('student', 'advisor', 'admin')),
  linked_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, issuer, subject)
);
SELECT rapport_secure_tenant_table('identity_links');

-- A first sign-in finds the student by email or external id among the tenant's students.
CREATE INDEX aggregate_states_student_email_idx
  ON aggregate_states (tenant_id, lower(state->'personal'->>'email')) WHERE kind = 'student';
CREATE INDEX aggregate_states_student_external_id_idx
  ON aggregate_states (tenant_id, (state->'personal'->>'externalId')) WHERE kind = 'student';
`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
DROP INDEX aggregate_states_student_external_id_idx;
DROP INDEX aggregate_states_student_email_idx;
DROP TABLE identity_links;
DROP FUNCTION rapport_identity_providers();
DROP TABLE identity_providers;
`);
  }
}
