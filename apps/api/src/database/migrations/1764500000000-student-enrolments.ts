import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which students were ever on each cohort's roster, kept by the student-progress projection:
 * a student who moved to another cohort is still found by the earlier cohort's dashboards
 * (docs/adr/0019). Filled from today's progress rows, where each student has one cohort.
 */
export class StudentEnrolments1764500000000 implements MigrationInterface {
  name = 'StudentEnrolments1764500000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
CREATE TABLE student_enrolments (
  tenant_id  uuid NOT NULL,
  cohort_id  text NOT NULL,
  student_id text NOT NULL,
  PRIMARY KEY (tenant_id, cohort_id, student_id)
);
SELECT rapport_secure_tenant_table('student_enrolments');
`);
    const tenants = (await db.query(`SELECT tenant_id FROM rapport_find_tenants(NULL)`)) as {
      tenant_id: string;
    }[];
    for (const { tenant_id: tenantId } of tenants) {
      await db.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
      await db.query(
        `INSERT INTO student_enrolments (tenant_id, cohort_id, student_id)
         SELECT tenant_id, cohort_id, student_id FROM student_progress
          WHERE tenant_id = $1 AND cohort_id IS NOT NULL
         ON CONFLICT DO NOTHING`,
        [tenantId],
      );
    }
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE student_enrolments`);
  }
}
