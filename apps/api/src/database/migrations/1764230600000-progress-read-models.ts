import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read models behind the dashboards, fed by the async `student-progress` projection:
 * each student's progress (the domain's StudentProgress as jsonb), the institution's
 * settings over time, and each student's activity (the timeline, and the index that
 * `asOf` reads use to fold a student's events up to an instant).
 */
export class ProgressReadModels1764230600000 implements MigrationInterface {
  name = 'ProgressReadModels1764230600000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
CREATE TABLE student_progress (
  tenant_id        uuid NOT NULL,
  student_id       text NOT NULL,
  cohort_id        text,
  state            jsonb NOT NULL,
  last_activity_at timestamptz,
  PRIMARY KEY (tenant_id, student_id)
);
CREATE INDEX student_progress_by_cohort_idx ON student_progress (tenant_id, cohort_id, student_id);
SELECT rapport_secure_tenant_table('student_progress');

CREATE TABLE settings_timelines (
  tenant_id uuid NOT NULL,
  timeline  jsonb NOT NULL,
  PRIMARY KEY (tenant_id)
);
SELECT rapport_secure_tenant_table('settings_timelines');

CREATE TABLE student_activity (
  tenant_id       uuid NOT NULL,
  student_id      text NOT NULL,
  cohort_id       text,
  occurred_at     timestamptz NOT NULL,
  transaction_id  xid8 NOT NULL,
  global_position bigint NOT NULL,
  event_type      text NOT NULL,
  actor_id        text,
  actor_role      text,
  PRIMARY KEY (tenant_id, student_id, global_position)
);
CREATE INDEX student_activity_feed_idx
  ON student_activity (tenant_id, student_id, occurred_at DESC, global_position DESC);
CREATE INDEX student_activity_by_cohort_idx ON student_activity (tenant_id, cohort_id, occurred_at);
SELECT rapport_secure_tenant_table('student_activity');
`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE student_activity, settings_timelines, student_progress`);
  }
}
