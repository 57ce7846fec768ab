import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A live cohort dashboard served from the cache costs one statement (docs/adr/0029): this
 * function sets the tenant (transaction-local, so it ends with the statement) and answers the
 * cohort's fingerprint together with what the access check needs (the cohort's status and
 * whether the advisor is assigned to it). It runs as its caller (SECURITY INVOKER), so row-level
 * security decides what it reads, exactly as in a tenant transaction.
 */
export class DashboardFingerprint1764800100000 implements MigrationInterface {
  name = 'DashboardFingerprint1764800100000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
CREATE FUNCTION rapport_dashboard_fingerprint(p_tenant uuid, p_cohort text, p_cohort_stream text, p_advisor text)
RETURNS TABLE (fingerprint text, cohort_status text, advisor_assigned boolean)
LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM set_config('app.tenant_id', p_tenant::text, true);
  RETURN QUERY
  SELECT md5(concat_ws('|',
           (SELECT string_agg(p.student_id || ':' || p.xmin::text, ',' ORDER BY p.student_id)
              FROM student_enrolments e
              JOIN student_progress p ON p.tenant_id = e.tenant_id AND p.student_id = e.student_id
             WHERE e.tenant_id = p_tenant AND e.cohort_id = p_cohort),
           c.xmin::text,
           (SELECT t.xmin::text FROM settings_timelines t WHERE t.tenant_id = p_tenant))),
         c.state->>'status',
         EXISTS (SELECT FROM json_array_elements_text(c.state->'advisorIds') AS a(id) WHERE a.id = p_advisor)
    FROM (SELECT 1) AS one
    LEFT JOIN aggregate_states c ON c.tenant_id = p_tenant AND c.stream_id = p_cohort_stream;
END
$fn$;
REVOKE ALL ON FUNCTION rapport_dashboard_fingerprint(uuid, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rapport_dashboard_fingerprint(uuid, text, text, text) TO rapport_app;
`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP FUNCTION rapport_dashboard_fingerprint(uuid, text, text, text)`);
  }
}
