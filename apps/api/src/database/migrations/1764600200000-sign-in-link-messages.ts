import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A fresh sign-in link, asked for from an expired link's page, is an outbox message of its own kind. */
export class SignInLinkMessages1764600200000 implements MigrationInterface {
  name = 'SignInLinkMessages1764600200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check,
  ADD CONSTRAINT outbox_kind_check CHECK (kind IN ('digest', 'email_confirmation', 'staff_invitation', 'welcome', 'sign_in_link'));
`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
DELETE FROM outbox WHERE kind = 'sign_in_link';
ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check,
  ADD CONSTRAINT outbox_kind_check CHECK (kind IN ('digest', 'email_confirmation', 'staff_invitation', 'welcome'));
`);
  }
}
