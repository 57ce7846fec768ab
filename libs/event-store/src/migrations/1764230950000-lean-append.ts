import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A leaner `rapport_append_events` (same signature, same answers, same error codes). The
 * common case, new event ids at the expected version, no longer reads `events` by event id
 * before writing, nor parses the payload twice: the stream row is advanced, then the events
 * are inserted with `ON CONFLICT (tenant_id, event_id) DO NOTHING`, and only when that did
 * not insert every event does the function look the ids up to tell a retried append
 * (answered as a replay, with the stream row put back) from a reuse (RA002) or a wrong
 * expected version (RA001). Measured with bench/ (`append`): about 1.3x the old function's
 * rate with 8 writers; the bench README has the numbers.
 */
export class LeanAppend1764230950000 implements MigrationInterface {
  name = 'LeanAppend1764230950000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
CREATE OR REPLACE FUNCTION rapport_append_events(p_tenant uuid, p_stream text, p_expected text, p_events jsonb)
RETURNS TABLE (next_expected_version bigint, last_global_position bigint, replayed boolean)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
  v_count    int := jsonb_array_length(p_events);
  v_ids      uuid[];
  v_found    int;
  v_same     boolean;
  v_version  bigint;
  v_position bigint;
  v_inserted int;
  v_actual   bigint;
BEGIN
  PERFORM set_config('app.tenant_id', p_tenant::text, true);

  IF p_expected = 'no_stream' THEN
    INSERT INTO streams (tenant_id, stream_id, version) VALUES (p_tenant, p_stream, v_count)
      ON CONFLICT DO NOTHING RETURNING version INTO v_version;
  ELSIF p_expected = 'any' THEN
    INSERT INTO streams (tenant_id, stream_id, version) VALUES (p_tenant, p_stream, v_count)
      ON CONFLICT (tenant_id, stream_id)
      DO UPDATE SET version = streams.version + v_count, updated_at = now()
      RETURNING version INTO v_version;
  ELSIF p_expected = 'stream_exists' THEN
    UPDATE streams SET version = version + v_count, updated_at = now()
      WHERE tenant_id = p_tenant AND stream_id = p_stream RETURNING version INTO v_version;
  ELSE
    UPDATE streams SET version = version + v_count, updated_at = now()
      WHERE tenant_id = p_tenant AND stream_id = p_stream AND version = p_expected::bigint
      RETURNING version INTO v_version;
  END IF;

  IF v_version IS NOT NULL THEN
    WITH inserted AS (
      INSERT INTO events (tenant_id, stream_id, stream_version, event_id, type, schema_version, data, metadata)
      SELECT p_tenant, p_stream, v_version - v_count + e.ord, (e.value->>'event_id')::uuid, e.value->>'type',
             coalesce((e.value->>'schema_version')::int, 1), e.value->'data', coalesce(e.value->'metadata', '{}')
        FROM jsonb_array_elements(p_events) WITH ORDINALITY AS e(value, ord)
       ORDER BY e.ord
      ON CONFLICT (tenant_id, event_id) DO NOTHING
      RETURNING global_position
    )
    SELECT count(*), max(global_position) INTO v_inserted, v_position FROM inserted;
    IF v_inserted = v_count THEN
      RETURN QUERY SELECT v_version, v_position, false;
      RETURN;
    END IF;
  END IF;

  -- Slow path: a wrong expected version, or event ids seen before (a retry, or a reuse).
  IF v_inserted > 0 THEN
    -- Some ids were new and some not: never a retry of one append.
    RAISE EXCEPTION 'some of these event ids were already appended elsewhere'
      USING ERRCODE = 'RA002';
  END IF;
  SELECT array_agg((e->>'event_id')::uuid) INTO v_ids FROM jsonb_array_elements(p_events) e;
  SELECT count(*), max(stream_version), max(global_position), bool_and(stream_id = p_stream)
    INTO v_found, v_version, v_position, v_same
    FROM events WHERE tenant_id = p_tenant AND event_id = ANY (v_ids);
  IF v_found = v_count AND v_same THEN
    IF v_inserted = 0 THEN
      -- The stream row was advanced for events that were already there: undo (row still locked).
      UPDATE streams SET version = version - v_count
       WHERE tenant_id = p_tenant AND stream_id = p_stream;
    END IF;
    RETURN QUERY SELECT v_version, v_position, true;
    RETURN;
  ELSIF v_found > 0 THEN
    RAISE EXCEPTION 'some of these event ids were already appended elsewhere'
      USING ERRCODE = 'RA002';
  END IF;
  SELECT version INTO v_actual FROM streams WHERE tenant_id = p_tenant AND stream_id = p_stream;
  RAISE EXCEPTION 'wrong expected version'
    USING ERRCODE = 'RA001',
          DETAIL = json_build_object('expected', p_expected, 'actual', coalesce(v_actual, 0))::text;
END
$fn$;
`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
CREATE OR REPLACE FUNCTION rapport_append_events(p_tenant uuid, p_stream text, p_expected text, p_events jsonb)
RETURNS TABLE (next_expected_version bigint, last_global_position bigint, replayed boolean)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
  v_count    int := jsonb_array_length(p_events);
  v_ids      uuid[];
  v_found    int;
  v_same     boolean;
  v_version  bigint;
  v_position bigint;
  v_actual   bigint;
BEGIN
  PERFORM set_config('app.tenant_id', p_tenant::text, true);
  SELECT array_agg((e->>'event_id')::uuid) INTO v_ids FROM jsonb_array_elements(p_events) e;

  SELECT count(*), max(stream_version), max(global_position), bool_and(stream_id = p_stream)
    INTO v_found, v_version, v_position, v_same
    FROM events WHERE tenant_id = p_tenant AND event_id = ANY (v_ids);
  IF v_found = v_count AND v_same THEN
    RETURN QUERY SELECT v_version, v_position, true;
    RETURN;
  ELSIF v_found > 0 THEN
    RAISE EXCEPTION 'some of these event ids were already appended elsewhere'
      USING ERRCODE = 'RA002';
  END IF;

  IF p_expected = 'no_stream' THEN
    INSERT INTO streams (tenant_id, stream_id, version) VALUES (p_tenant, p_stream, v_count)
      ON CONFLICT DO NOTHING RETURNING version INTO v_version;
  ELSIF p_expected = 'any' THEN
    INSERT INTO streams (tenant_id, stream_id, version) VALUES (p_tenant, p_stream, v_count)
      ON CONFLICT (tenant_id, stream_id)
      DO UPDATE SET version = streams.version + v_count, updated_at = now()
      RETURNING version INTO v_version;
  ELSIF p_expected = 'stream_exists' THEN
    UPDATE streams SET version = version + v_count, updated_at = now()
      WHERE tenant_id = p_tenant AND stream_id = p_stream RETURNING version INTO v_version;
  ELSE
    UPDATE streams SET version = version + v_count, updated_at = now()
      WHERE tenant_id = p_tenant AND stream_id = p_stream AND version = p_expected::bigint
      RETURNING version INTO v_version;
  END IF;

  IF v_version IS NULL THEN
    -- A concurrent writer may have been this very append (a client retry racing itself).
    SELECT count(*), max(stream_version), max(global_position)
      INTO v_found, v_version, v_position
      FROM events WHERE tenant_id = p_tenant AND event_id = ANY (v_ids) AND stream_id = p_stream;
    IF v_found = v_count THEN
      RETURN QUERY SELECT v_version, v_position, true;
      RETURN;
    END IF;
    SELECT version INTO v_actual FROM streams WHERE tenant_id = p_tenant AND stream_id = p_stream;
    RAISE EXCEPTION 'wrong expected version'
      USING ERRCODE = 'RA001',
            DETAIL = json_build_object('expected', p_expected, 'actual', coalesce(v_actual, 0))::text;
  END IF;

  WITH inserted AS (
    INSERT INTO events (tenant_id, stream_id, stream_version, event_id, type, schema_version, data, metadata)
    SELECT p_tenant, p_stream, v_version - v_count + e.ord, (e.value->>'event_id')::uuid, e.value->>'type',
           coalesce((e.value->>'schema_version')::int, 1), e.value->'data', coalesce(e.value->'metadata', '{}')
      FROM jsonb_array_elements(p_events) WITH ORDINALITY AS e(value, ord)
     ORDER BY e.ord
    RETURNING global_position
  )
  SELECT max(global_position) INTO v_position FROM inserted;
  RETURN QUERY SELECT v_version, v_position, false;
END
$fn$;
`);
  }
}
