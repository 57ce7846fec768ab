import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Staff invitations are a kind of outbox message of their own. */
export class StaffInvitationOutboxKind1764400200000 implements MigrationInterface {
  name = 'StaffInvitationOutboxKind1764400200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check
  CHECK (kind IN ('digest', 'email_confirmation', 'staff_invitation'));
`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
DELETE FROM outbox WHERE kind = 'staff_invitation';
ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check CHECK (kind IN ('digest', 'email_confirmation'));
`);
  }
}
