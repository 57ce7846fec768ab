import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sessions of the student week page (docs/adr/0020). The cookie names the tenant and the session
 * and carries a random secret; the row keeps only the secret's SHA-256, under the tenant's RLS,
 * so a leaked table signs nobody in and sign-out and expiry end a session for real.
 */
export class WeekSessions1764600100000 implements MigrationInterface {
  name = 'WeekSessions1764600100000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
CREATE TABLE week_sessions (
  tenant_id    uuid NOT NULL,
  session_id   uuid NOT NULL,
  secret_hash  bytea NOT NULL CHECK (length(secret_hash) = 32),
  student_id   text NOT NULL,
  digest_id    text,
  via          text NOT NULL CHECK (via IN ('link', 'provider')),
  created_at   timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  expires_at   timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, session_id)
);
CREATE INDEX week_sessions_student_idx ON week_sessions (tenant_id, student_id);
SELECT rapport_secure_tenant_table('week_sessions');
`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE week_sessions`);
  }
}
