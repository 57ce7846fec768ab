import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Welcome emails to newly enrolled students are outbox messages of their own kind. */
export class WelcomeMessages1764400400000 implements MigrationInterface {
  name = 'WelcomeMessages1764400400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check,
  ADD CONSTRAINT outbox_kind_check CHECK (kind IN ('digest', 'email_confirmation', 'staff_invitation', 'welcome'));
`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
DELETE FROM outbox WHERE kind = 'welcome';
ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check,
  ADD CONSTRAINT outbox_kind_check CHECK (kind IN ('digest', 'email_confirmation', 'staff_invitation'));
`);
  }
}
