import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Per-person data keys, wrapped by the key-encryption key (docs/adr/0024). A destroyed key
 * stays as a tombstone (no key, `destroyed_at` set) so the person never gets a new one: the
 * application may read, create and destroy keys, never delete the row.
 */
export class DataKeys1764700000000 implements MigrationInterface {
  name = 'DataKeys1764700000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
CREATE TABLE data_keys (
  tenant_id    uuid NOT NULL,
  owner_id     text NOT NULL CHECK (length(owner_id) BETWEEN 1 AND 200),
  wrapped_key  bytea,
  kek_id       text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  destroyed_at timestamptz,
  PRIMARY KEY (tenant_id, owner_id),
  CONSTRAINT data_keys_destroyed_or_wrapped CHECK ((wrapped_key IS NULL) = (destroyed_at IS NOT NULL))
);
SELECT rapport_secure_tenant_table('data_keys', 'SELECT, INSERT, UPDATE');
`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE data_keys`);
  }
}
