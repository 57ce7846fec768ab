import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox carries more than digests: each row says what kind of message it is, and only
 * digests belong to an ISO week. Email confirmations are the first other kind.
 */
export class OutboxMessageKinds1764300200000 implements MigrationInterface {
  name = 'OutboxMessageKinds1764300200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
ALTER TABLE outbox ADD COLUMN kind text NOT NULL DEFAULT 'digest'
  CONSTRAINT outbox_kind_check CHECK (kind IN ('digest', 'email_confirmation'));
ALTER TABLE outbox ALTER COLUMN week DROP NOT NULL;
ALTER TABLE outbox ADD CONSTRAINT outbox_week_check CHECK ((kind = 'digest') = (week IS NOT NULL));
`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
DELETE FROM outbox WHERE kind <> 'digest';
ALTER TABLE outbox DROP CONSTRAINT outbox_week_check;
ALTER TABLE outbox ALTER COLUMN week SET NOT NULL;
ALTER TABLE outbox DROP COLUMN kind;
`);
  }
}
