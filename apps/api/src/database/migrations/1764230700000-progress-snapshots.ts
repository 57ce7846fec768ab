import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Weekly snapshots of each student's progress, so `asOf` folds at most a week of events per
 * student instead of their whole history. A snapshot at `period_start` holds every event of the
 * student recorded before that instant; the projection keeps it exact when a late event arrives.
 */
export class ProgressSnapshots1764230700000 implements MigrationInterface {
  name = 'ProgressSnapshots1764230700000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
ALTER TABLE student_progress ADD COLUMN last_event_at timestamptz;

CREATE TABLE student_progress_snapshots (
  tenant_id    uuid NOT NULL,
  student_id   text NOT NULL,
  period_start timestamptz NOT NULL,
  cohort_id    text,
  state        jsonb NOT NULL,
  PRIMARY KEY (tenant_id, student_id, period_start)
);
CREATE INDEX student_progress_snapshots_by_cohort_idx
  ON student_progress_snapshots (tenant_id, cohort_id, period_start);
SELECT rapport_secure_tenant_table('student_progress_snapshots');
`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(
      `DROP TABLE student_progress_snapshots; ALTER TABLE student_progress DROP COLUMN last_event_at`,
    );
  }
}
