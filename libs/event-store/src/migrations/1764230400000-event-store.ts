import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The event store, the tenant registry, the projection checkpoints and the helper every
 * tenant table goes through. See docs/adr/0002-commit-safe-reads-with-xid8-fence.md and
 * docs/adr/0003-tenancy-enforced-by-row-level-security.md.
 */
export class EventStore1764230400000 implements MigrationInterface {
  name = 'EventStore1764230400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
-- Every tenant table calls this, so none can forget its fence. nullif: once a transaction
-- has set app.tenant_id, the session keeps an empty placeholder, which is not a uuid.
CREATE FUNCTION rapport_secure_tenant_table(
  p_table regclass,
  p_privileges text DEFAULT 'SELECT, INSERT, UPDATE, DELETE'
) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', p_table);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', p_table);
  EXECUTE format('DROP POLICY IF EXISTS tenant_isolation ON %s', p_table);
  EXECUTE format(
    $p$CREATE POLICY tenant_isolation ON %s
         USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
         WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)$p$,
    p_table);
  EXECUTE format('GRANT %s ON %s TO rapport_app', p_privileges, p_table);
END
$fn$;
REVOKE ALL ON FUNCTION rapport_secure_tenant_table(regclass, text) FROM PUBLIC;

GRANT USAGE ON SCHEMA public TO rapport_app;
GRANT SELECT ON migrations TO rapport_app;

CREATE TABLE tenants (
  tenant_id  uuid PRIMARY KEY,
  slug       text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  created_at timestamptz NOT NULL DEFAULT now()
);
SELECT rapport_secure_tenant_table('tenants', 'SELECT');

CREATE TABLE streams (
  tenant_id  uuid NOT NULL,
  stream_id  text NOT NULL,
  version    bigint NOT NULL CHECK (version > 0),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, stream_id)
);
SELECT rapport_secure_tenant_table('streams', 'SELECT, INSERT, UPDATE');

-- Append-only: the application role gets SELECT and INSERT, never UPDATE or DELETE.
CREATE TABLE events (
  tenant_id       uuid NOT NULL,
  global_position bigint GENERATED ALWAYS AS IDENTITY,
  transaction_id  xid8 NOT NULL DEFAULT pg_current_xact_id(),
  stream_id       text NOT NULL,
  stream_version  bigint NOT NULL CHECK (stream_version > 0),
  event_id        uuid NOT NULL,
  type            text NOT NULL,
  schema_version  integer NOT NULL DEFAULT 1 CHECK (schema_version > 0),
  data            jsonb NOT NULL,
  metadata        jsonb NOT NULL DEFAULT '{}',
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, global_position),
  CONSTRAINT events_stream_version_key UNIQUE (tenant_id, stream_id, stream_version),
  CONSTRAINT events_event_id_key UNIQUE (tenant_id, event_id)
);
CREATE INDEX events_commit_order_idx ON events (transaction_id, global_position);
CREATE INDEX events_tenant_commit_order_idx ON events (tenant_id, transaction_id, global_position);
SELECT rapport_secure_tenant_table('events', 'SELECT, INSERT');

-- Global by nature: one row per projection, no tenant data.
CREATE TABLE projection_checkpoints (
  name             text PRIMARY KEY,
  transaction_id   xid8 NOT NULL DEFAULT '0',
  global_position  bigint NOT NULL DEFAULT 0,
  lease_owner      text,
  lease_expires_at timestamptz,
  updated_at       timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT, INSERT, UPDATE ON projection_checkpoints TO rapport_app;

-- One round trip per append: the idempotency check, the expected-version check on the
-- stream row (its row lock serialises writers, so versions stay gapless) and the insert.
CREATE FUNCTION rapport_append_events(p_tenant uuid, p_stream text, p_expected text, p_events jsonb)
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
GRANT EXECUTE ON FUNCTION rapport_append_events(uuid, text, text, jsonb) TO rapport_app;

-- The cross-tenant paths. Each is SECURITY DEFINER, owned by rapport_global (BYPASSRLS),
-- and does one narrow thing; nothing else can read across tenants.

-- Commit-safe order: nothing at or above the oldest running transaction id is returned, so
-- a reader never passes an event whose transaction might still commit behind it.
CREATE FUNCTION rapport_read_all_events(p_after_tx xid8, p_after_position bigint, p_limit int)
RETURNS SETOF events LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
  SELECT * FROM events
   WHERE (transaction_id, global_position) > (p_after_tx, p_after_position)
     AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
   ORDER BY transaction_id, global_position
   LIMIT p_limit
$fn$;

-- A table swap holds the read model's locks, so every transaction that could still write to
-- it has finished: it must see every committed event, unfenced. Owner only.
CREATE FUNCTION rapport_read_all_committed_events(p_after_tx xid8, p_after_position bigint, p_limit int)
RETURNS SETOF events LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
  SELECT * FROM events
   WHERE (transaction_id, global_position) > (p_after_tx, p_after_position)
   ORDER BY transaction_id, global_position
   LIMIT p_limit
$fn$;

-- Committed events a reader at this checkpoint has not passed yet, and the oldest one's age.
CREATE FUNCTION rapport_events_after(p_after_tx xid8, p_after_position bigint)
RETURNS TABLE (pending bigint, oldest_recorded_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
  SELECT count(*), min(recorded_at) FROM events
   WHERE (transaction_id, global_position) > (p_after_tx, p_after_position)
$fn$;

CREATE FUNCTION rapport_create_tenant(p_tenant uuid, p_slug text, p_name text)
RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
  INSERT INTO tenants (tenant_id, slug, name) VALUES (p_tenant, p_slug, p_name)
$fn$;

CREATE FUNCTION rapport_find_tenants(p_slug text DEFAULT NULL)
RETURNS TABLE (tenant_id uuid, slug text, name text, created_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
  SELECT tenant_id, slug, name, created_at FROM tenants
   WHERE p_slug IS NULL OR slug = p_slug ORDER BY slug
$fn$;

GRANT SELECT ON events, tenants TO rapport_global;
GRANT INSERT ON tenants TO rapport_global;
ALTER FUNCTION rapport_read_all_events(xid8, bigint, int) OWNER TO rapport_global;
ALTER FUNCTION rapport_events_after(xid8, bigint) OWNER TO rapport_global;
ALTER FUNCTION rapport_read_all_committed_events(xid8, bigint, int) OWNER TO rapport_global;
REVOKE ALL ON FUNCTION rapport_read_all_committed_events(xid8, bigint, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rapport_read_all_committed_events(xid8, bigint, int) TO rapport_owner;
ALTER FUNCTION rapport_create_tenant(uuid, text, text) OWNER TO rapport_global;
ALTER FUNCTION rapport_find_tenants(text) OWNER TO rapport_global;
REVOKE ALL ON FUNCTION rapport_read_all_events(xid8, bigint, int), rapport_events_after(xid8, bigint),
  rapport_create_tenant(uuid, text, text), rapport_find_tenants(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rapport_read_all_events(xid8, bigint, int), rapport_events_after(xid8, bigint),
  rapport_create_tenant(uuid, text, text), rapport_find_tenants(text) TO rapport_app, rapport_owner;
`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
DROP FUNCTION rapport_find_tenants(text), rapport_create_tenant(uuid, text, text),
  rapport_events_after(xid8, bigint), rapport_read_all_committed_events(xid8, bigint, int),
  rapport_read_all_events(xid8, bigint, int),
  rapport_append_events(uuid, text, text, jsonb);
DROP TABLE projection_checkpoints, events, streams, tenants;
DROP FUNCTION rapport_secure_tenant_table(regclass, text);
`);
  }
}
