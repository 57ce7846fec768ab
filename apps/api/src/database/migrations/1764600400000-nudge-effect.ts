import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * "Did the nudge work?" (docs/adr/0023): the nudge-effect projection keeps each student digest
 * (when it went, to which cohort, when first opened) and each of its follow-up items (ids only)
 * with when and through which digest the student's closing step was recorded. Filled by
 * `npm run projections:rebuild` from the digests' events.
 */
export class NudgeEffect1764600400000 implements MigrationInterface {
  name = 'NudgeEffect1764600400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
CREATE TABLE nudge_digests (
  tenant_id  uuid NOT NULL,
  digest_id  text NOT NULL,
  student_id text NOT NULL,
  cohort_id  text,
  sent_at    timestamptz NOT NULL,
  opened_at  timestamptz,
  PRIMARY KEY (tenant_id, digest_id)
);
SELECT rapport_secure_tenant_table('nudge_digests');
CREATE INDEX nudge_digests_by_cohort_idx ON nudge_digests (tenant_id, cohort_id, sent_at);

CREATE TABLE nudge_digest_items (
  tenant_id          uuid NOT NULL,
  digest_id          text NOT NULL,
  item_no            int NOT NULL,
  student_id         text NOT NULL,
  cohort_id          text,
  kind               text NOT NULL
                     CHECK (kind IN ('thank_you', 'nudge', 'prepare', 'reach_out_to_referral', 'stay_in_touch')),
  interview_id       text,
  contact_id         text,
  opened_at          timestamptz NOT NULL,
  due_at             timestamptz NOT NULL,
  sent_at            timestamptz NOT NULL,
  done_at            timestamptz,
  done_via_digest_id text,
  PRIMARY KEY (tenant_id, digest_id, item_no)
);
SELECT rapport_secure_tenant_table('nudge_digest_items');
CREATE INDEX nudge_digest_items_by_cohort_idx ON nudge_digest_items (tenant_id, cohort_id, sent_at);
-- A student's step looks up their items still open.
CREATE INDEX nudge_digest_items_open_idx
  ON nudge_digest_items (tenant_id, student_id) WHERE done_at IS NULL;
`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE nudge_digest_items; DROP TABLE nudge_digests;`);
  }
}
