import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Cross-tenant work moves to its own role, rapport_worker (docs/adr/0011): the application
 * role keeps DML under RLS and loses every function that reads across tenants; the worker,
 * a member of rapport_app, gains them. The runner records its lag on its checkpoint row, so
 * health and metrics (request paths, as rapport_app) read it without crossing tenants.
 */
export class WorkerRole1764300000000 implements MigrationInterface {
  name = 'WorkerRole1764300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'rapport_worker') THEN
    RAISE EXCEPTION 'role rapport_worker does not exist'
      USING HINT = 'Run npm run db:bootstrap as a superuser, or create it: CREATE ROLE rapport_worker LOGIN PASSWORD ''...'' NOSUPERUSER NOBYPASSRLS; GRANT rapport_app TO rapport_worker; GRANT CONNECT ON DATABASE <db> TO rapport_worker';
  END IF;
  IF NOT pg_has_role('rapport_worker', 'rapport_app', 'USAGE') THEN
    RAISE EXCEPTION 'role rapport_worker must be a member of rapport_app'
      USING HINT = 'As a superuser: GRANT rapport_app TO rapport_worker';
  END IF;
END
$$;

REVOKE EXECUTE ON FUNCTION rapport_read_all_events(xid8, bigint, int), rapport_events_after(xid8, bigint),
  rapport_create_tenant(uuid, text, text), rapport_find_tenants(text) FROM rapport_app, PUBLIC;
GRANT EXECUTE ON FUNCTION rapport_read_all_events(xid8, bigint, int), rapport_events_after(xid8, bigint),
  rapport_create_tenant(uuid, text, text), rapport_find_tenants(text) TO rapport_worker;

-- What the runner measured at its last poll: events not yet applied, the oldest one's time,
-- and the log's head then, so a reader can tell that events arrived since (a dead runner).
ALTER TABLE projection_checkpoints
  ADD COLUMN pending_events    bigint NOT NULL DEFAULT 0,
  ADD COLUMN oldest_pending_at timestamptz,
  ADD COLUMN log_head          bigint NOT NULL DEFAULT 0,
  ADD COLUMN measured_at       timestamptz;
REVOKE INSERT, UPDATE ON projection_checkpoints FROM rapport_app;
GRANT SELECT, INSERT, UPDATE ON projection_checkpoints TO rapport_worker;

-- The head of the log is one global number that every tenant already sees in its own events'
-- global_position; reading it lets health notice events that no runner has measured yet.
DO $$
BEGIN
  EXECUTE format('GRANT SELECT ON SEQUENCE %s TO rapport_app',
                 pg_get_serial_sequence('events', 'global_position'));
END
$$;
`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
DO $$
BEGIN
  EXECUTE format('REVOKE SELECT ON SEQUENCE %s FROM rapport_app',
                 pg_get_serial_sequence('events', 'global_position'));
END
$$;
REVOKE SELECT, INSERT, UPDATE ON projection_checkpoints FROM rapport_worker;
GRANT INSERT, UPDATE ON projection_checkpoints TO rapport_app;
ALTER TABLE projection_checkpoints
  DROP COLUMN pending_events, DROP COLUMN oldest_pending_at, DROP COLUMN log_head, DROP COLUMN measured_at;
REVOKE EXECUTE ON FUNCTION rapport_read_all_events(xid8, bigint, int), rapport_events_after(xid8, bigint),
  rapport_create_tenant(uuid, text, text), rapport_find_tenants(text) FROM rapport_worker;
GRANT EXECUTE ON FUNCTION rapport_read_all_events(xid8, bigint, int), rapport_events_after(xid8, bigint),
  rapport_create_tenant(uuid, text, text), rapport_find_tenants(text) TO rapport_app;
`);
  }
}
