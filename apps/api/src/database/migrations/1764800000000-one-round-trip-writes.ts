import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A command's write in one statement (docs/adr/0028): `rapport_append_with_state` checks that the
 * streams the decision read are still at the versions it read, appends through
 * `rapport_append_events`, and upserts the aggregate's state and view that the API folded in
 * memory. `rapport_load_states` reads states in one statement. Both set the tenant themselves and
 * run as the caller, under row-level security, like the append.
 *
 * `view` holds what an aggregate's readers need beyond its decisions (an interview's notes and
 * messages), folded inline like `state`. Rows written before this migration have none until the
 * next write to the stream or a rebuild of `aggregate-states`; readers fold the stream meanwhile.
 */
export class OneRoundTripWrites1764800000000 implements MigrationInterface {
  name = 'OneRoundTripWrites1764800000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
ALTER TABLE aggregate_states ADD COLUMN view json;
-- Every write updates a stream's two rows in place: room on the page keeps those updates HOT.
ALTER TABLE aggregate_states SET (fillfactor = 75);
ALTER TABLE streams SET (fillfactor = 75);

CREATE FUNCTION rapport_load_states(p_tenant uuid, p_streams text[])
RETURNS TABLE (stream_id text, aggregate_id text, version bigint, state json, view json,
               updated_at timestamptz)
LANGUAGE plpgsql STABLE AS $fn$
BEGIN
  PERFORM set_config('app.tenant_id', p_tenant::text, true);
  RETURN QUERY SELECT a.stream_id, a.aggregate_id, a.version, a.state, a.view, a.updated_at
    FROM aggregate_states a
    WHERE a.tenant_id = p_tenant AND a.stream_id = ANY (p_streams);
END
$fn$;

CREATE FUNCTION rapport_append_with_state(
  p_tenant uuid, p_stream text, p_expected text, p_events jsonb, p_reads jsonb,
  p_kind text, p_aggregate_id text, p_student_id text, p_cohort_id text, p_state json, p_view json)
RETURNS TABLE (next_expected_version bigint, last_global_position bigint, replayed boolean)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_stale  record;
  v_result record;
BEGIN
  PERFORM set_config('app.tenant_id', p_tenant::text, true);

  -- The other streams the decision read (whose student, which cohort) must not have moved.
  SELECT d.stream, d.version AS expected, coalesce(s.version, 0) AS actual INTO v_stale
    FROM jsonb_to_recordset(p_reads) AS d(stream text, version bigint)
    LEFT JOIN streams s ON s.tenant_id = p_tenant AND s.stream_id = d.stream
   WHERE coalesce(s.version, 0) <> d.version
   LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'a stream this decision read has changed'
      USING ERRCODE = 'RA004',
            DETAIL = json_build_object('stream', v_stale.stream, 'expected', v_stale.expected,
                                       'actual', v_stale.actual)::text;
  END IF;

  SELECT * INTO v_result FROM rapport_append_events(p_tenant, p_stream, p_expected, p_events);
  IF NOT v_result.replayed THEN
    INSERT INTO aggregate_states AS a
        (tenant_id, stream_id, kind, aggregate_id, student_id, cohort_id, version, state, view, updated_at)
      VALUES (p_tenant, p_stream, p_kind, p_aggregate_id, p_student_id, p_cohort_id,
              v_result.next_expected_version, p_state, p_view,
              -- The projection keeps the events' recorded_at as a JavaScript date: milliseconds.
              date_trunc('milliseconds', now()))
      ON CONFLICT (tenant_id, stream_id) DO UPDATE SET version = EXCLUDED.version,
        state = EXCLUDED.state, view = EXCLUDED.view, updated_at = EXCLUDED.updated_at,
        student_id = EXCLUDED.student_id, cohort_id = EXCLUDED.cohort_id;
  END IF;
  RETURN QUERY SELECT v_result.next_expected_version, v_result.last_global_position, v_result.replayed;
END
$fn$;

REVOKE ALL ON FUNCTION rapport_load_states(uuid, text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION rapport_append_with_state(uuid, text, text, jsonb, jsonb, text, text, text, text, json, json) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rapport_load_states(uuid, text[]) TO rapport_app;
GRANT EXECUTE ON FUNCTION rapport_append_with_state(uuid, text, text, jsonb, jsonb, text, text, text, text, json, json) TO rapport_app;
`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
DROP FUNCTION rapport_append_with_state(uuid, text, text, jsonb, jsonb, text, text, text, text, json, json);
DROP FUNCTION rapport_load_states(uuid, text[]);
ALTER TABLE streams RESET (fillfactor);
ALTER TABLE aggregate_states RESET (fillfactor);
ALTER TABLE aggregate_states DROP COLUMN view;
`);
  }
}
