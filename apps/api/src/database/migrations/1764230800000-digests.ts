import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Weekly digests: which institution slots ran, one digest per (tenant, recipient, ISO week)
 * enforced by its primary key, and the outbox the delivery worker drains. The worker claims
 * due messages across tenants through one narrow SECURITY DEFINER function.
 */
export class Digests1764230800000 implements MigrationInterface {
  name = 'Digests1764230800000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
CREATE TABLE digest_runs (
  tenant_id    uuid NOT NULL,
  week         text NOT NULL,
  started_at   timestamptz NOT NULL DEFAULT now(),
  completed_at timestamptz,
  scheduled    integer NOT NULL DEFAULT 0,
  PRIMARY KEY (tenant_id, week)
);
SELECT rapport_secure_tenant_table('digest_runs');

CREATE TABLE digests (
  tenant_id      uuid NOT NULL,
  recipient_kind text NOT NULL CHECK (recipient_kind IN ('student', 'advisor')),
  recipient_id   text NOT NULL,
  week           text NOT NULL,
  message_id     uuid NOT NULL,
  scheduled_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, recipient_kind, recipient_id, week),
  CONSTRAINT digests_message_key UNIQUE (tenant_id, message_id)
);
SELECT rapport_secure_tenant_table('digests');

CREATE TABLE digest_optouts (
  tenant_id      uuid NOT NULL,
  recipient_kind text NOT NULL,
  recipient_id   text NOT NULL,
  opted_out_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, recipient_kind, recipient_id)
);
SELECT rapport_secure_tenant_table('digest_optouts');

CREATE TABLE outbox (
  tenant_id       uuid NOT NULL,
  message_id      uuid NOT NULL,
  recipient_kind  text NOT NULL,
  recipient_id    text NOT NULL,
  week            text NOT NULL,
  to_address      text NOT NULL,
  subject         text NOT NULL,
  html            text NOT NULL,
  text            text NOT NULL,
  headers         jsonb NOT NULL DEFAULT '{}',
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'dead')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  lease_until     timestamptz,
  last_error      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  sent_at         timestamptz,
  PRIMARY KEY (tenant_id, message_id)
);
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at) WHERE status IN ('pending', 'sending');
CREATE INDEX outbox_by_week_idx ON outbox (tenant_id, week, status);
SELECT rapport_secure_tenant_table('outbox');

-- Claims due messages of every tenant for one worker: pending ones whose time has come, and
-- ones another worker claimed but never finished (its lease ran out: it crashed mid-send).
CREATE FUNCTION rapport_claim_outbox(p_limit int, p_lease_seconds int)
RETURNS TABLE (tenant_id uuid, message_id uuid, attempts int)
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
  UPDATE outbox o
     SET status = 'sending', attempts = o.attempts + 1,
         lease_until = now() + make_interval(secs => p_lease_seconds)
   WHERE (o.tenant_id, o.message_id) IN (
           SELECT c.tenant_id, c.message_id FROM outbox c
            WHERE c.status IN ('pending', 'sending')
              AND ((c.status = 'pending' AND c.next_attempt_at <= now())
                OR (c.status = 'sending' AND c.lease_until < now()))
            ORDER BY c.next_attempt_at
            LIMIT p_limit
            FOR UPDATE SKIP LOCKED)
  RETURNING o.tenant_id, o.message_id, o.attempts
$fn$;
GRANT SELECT, UPDATE ON outbox TO rapport_global;
ALTER FUNCTION rapport_claim_outbox(int, int) OWNER TO rapport_global;
REVOKE ALL ON FUNCTION rapport_claim_outbox(int, int) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION rapport_claim_outbox(int, int) TO rapport_app, rapport_owner;
`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
DROP FUNCTION rapport_claim_outbox(int, int);
DROP TABLE outbox, digest_optouts, digests, digest_runs;
`);
  }
}
