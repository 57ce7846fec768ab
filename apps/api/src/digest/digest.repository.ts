import { Inject, Injectable } from '@nestjs/common';
import { Database, type Tx, WORKER_DATABASE } from '@rapport/event-store';

export type RecipientKind = 'student' | 'advisor';
/** What an outbox row is; only digests belong to a week. */
export type OutboxKind =
  | 'digest'
  | 'email_confirmation'
  | 'staff_invitation'
  | 'welcome'
  | 'sign_in_link';

export interface OutboxMessage {
  tenant_id: string;
  message_id: string;
  kind: OutboxKind;
  recipient_kind: RecipientKind;
  recipient_id: string;
  week: string | null;
  to_address: string;
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
  status: 'pending' | 'sending' | 'sent' | 'dead';
  attempts: number;
  last_error: string | null;
}

export interface NewDigest {
  recipientKind: RecipientKind;
  recipientId: string;
  week: string;
  messageId: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
}

/** A message that is not a digest, queued for the same delivery worker. */
export interface NewOutboxMessage {
  kind: Exclude<OutboxKind, 'digest'>;
  /** Invitations go to staff, advisors and admins alike. */
  recipientKind: RecipientKind | 'staff';
  recipientId: string;
  messageId: string;
  to: string;
  subject: string;
  html: string;
  text: string;
}

export interface WeekStats {
  week: string;
  started_at: Date | null;
  completed_at: Date | null;
  scheduled: number;
  sent: number;
  pending: number;
  retrying: number;
  dead: number;
}

/** The SQL of digests: runs per week, the one-per-recipient-per-week key, and the outbox. */
@Injectable()
export class DigestRepository {
  constructor(
    private readonly database: Database,
    @Inject(WORKER_DATABASE) private readonly worker: Database,
  ) {}

  async lastCompletedWeek(tenantId: string): Promise<string | null> {
    const [row] = await this.database.withTenant(tenantId, (tx) =>
      tx.query<{ week: string }>(
        `SELECT week FROM digest_runs WHERE tenant_id = $1 AND completed_at IS NOT NULL ORDER BY week DESC LIMIT 1`,
        [tx.tenantId],
      ),
    );
    return row?.week ?? null;
  }

  /**
   * Claims an institution's run for a week. Exactly one of several processes ticking together
   * wins; a run left unfinished by a crash can be taken over after ten minutes.
   */
  async claimRun(tenantId: string, week: string): Promise<boolean> {
    const rows = await this.database.withTenant(tenantId, (tx) =>
      tx.query(
        `INSERT INTO digest_runs (tenant_id, week) VALUES ($1, $2)
         ON CONFLICT (tenant_id, week) DO UPDATE SET started_at = now()
           WHERE digest_runs.completed_at IS NULL AND digest_runs.started_at < now() - interval '10 minutes'
         RETURNING week`,
        [tx.tenantId, week],
      ),
    );
    return rows.length > 0;
  }

  async completeRun(tenantId: string, week: string): Promise<void> {
    await this.database.withTenant(tenantId, (tx) =>
      tx.execute(
        `UPDATE digest_runs SET completed_at = now(),
                scheduled = (SELECT count(*) FROM digests d WHERE d.tenant_id = $1 AND d.week = $2)
          WHERE tenant_id = $1 AND week = $2`,
        [tx.tenantId, week],
      ),
    );
  }

  /** The digest key and its outbox row, in the caller's transaction; false if it existed. */
  async insertDigest(tx: Tx, digest: NewDigest): Promise<boolean> {
    const inserted = await tx.query(
      `INSERT INTO digests (tenant_id, recipient_kind, recipient_id, week, message_id)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING message_id`,
      [tx.tenantId, digest.recipientKind, digest.recipientId, digest.week, digest.messageId],
    );
    if (inserted.length === 0) return false;
    await tx.execute(
      `INSERT INTO outbox (tenant_id, message_id, recipient_kind, recipient_id, week, to_address, subject, html, text, headers)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb)`,
      [
        tx.tenantId,
        digest.messageId,
        digest.recipientKind,
        digest.recipientId,
        digest.week,
        digest.to,
        digest.subject,
        digest.html,
        digest.text,
        JSON.stringify(digest.headers),
      ],
    );
    return true;
  }

  /** Queues a message in the caller's transaction; false if its id was queued already. */
  async insertMessage(tx: Tx, message: NewOutboxMessage): Promise<boolean> {
    const inserted = await tx.query(
      `INSERT INTO outbox (tenant_id, message_id, kind, recipient_kind, recipient_id, to_address, subject, html, text)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING RETURNING message_id`,
      [
        tx.tenantId,
        message.messageId,
        message.kind,
        message.recipientKind,
        message.recipientId,
        message.to,
        message.subject,
        message.html,
        message.text,
      ],
    );
    return inserted.length > 0;
  }

  /** Queues several messages in one statement in the caller's transaction; ids queued already are skipped. */
  async insertMessages(tx: Tx, messages: readonly NewOutboxMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const column = (pick: (m: NewOutboxMessage) => string) => messages.map(pick);
    await tx.execute(
      `INSERT INTO outbox (tenant_id, message_id, kind, recipient_kind, recipient_id, to_address, subject, html, text)
       SELECT $1, m.* FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
         AS m(message_id, kind, recipient_kind, recipient_id, to_address, subject, html, text)
       ON CONFLICT DO NOTHING`,
      [
        tx.tenantId,
        column((m) => m.messageId),
        column((m) => m.kind),
        column((m) => m.recipientKind),
        column((m) => m.recipientId),
        column((m) => m.to),
        column((m) => m.subject),
        column((m) => m.html),
        column((m) => m.text),
      ],
    );
  }

  /** Due messages of every tenant, leased to this worker (the cross-tenant path, worker role only). */
  async claimDue(
    limit: number,
    leaseSeconds: number,
  ): Promise<{ tenant_id: string; message_id: string; attempts: number }[]> {
    return this.worker.withoutTenant((tx) =>
      tx.query(`SELECT * FROM rapport_claim_outbox($1, $2)`, [limit, leaseSeconds]),
    );
  }

  async messages(tx: Tx, messageIds: readonly string[]): Promise<OutboxMessage[]> {
    return tx.query<OutboxMessage>(
      `SELECT * FROM outbox WHERE tenant_id = $1 AND message_id = ANY($2)`,
      [tx.tenantId, messageIds],
    );
  }

  /**
   * Marks several accepted messages sent in one statement and returns the ids it marked. Only a
   * message still being sent moves on: one marked already (or put back) is left alone.
   */
  async markSent(tx: Tx, messageIds: readonly string[]): Promise<Set<string>> {
    const rows = await tx.query<{ message_id: string }>(
      `UPDATE outbox SET status = 'sent', sent_at = now(), lease_until = NULL, last_error = NULL
        WHERE tenant_id = $1 AND message_id = ANY($2::uuid[]) AND status = 'sending'
        RETURNING message_id`,
      [tx.tenantId, messageIds],
    );
    return new Set(rows.map((r) => r.message_id));
  }

  async markRetry(tx: Tx, messageId: string, retryAt: Date, error: string): Promise<void> {
    await tx.execute(
      `UPDATE outbox SET status = 'pending', next_attempt_at = $3, lease_until = NULL, last_error = $4
        WHERE tenant_id = $1 AND message_id = $2 AND status = 'sending'`,
      [tx.tenantId, messageId, retryAt, error],
    );
  }

  async markDead(tx: Tx, messageId: string, error: string): Promise<void> {
    await tx.execute(
      `UPDATE outbox SET status = 'dead', lease_until = NULL, last_error = $3
        WHERE tenant_id = $1 AND message_id = $2 AND status = 'sending'`,
      [tx.tenantId, messageId, error],
    );
  }

  /** Puts a dead message back in the queue; false when it is not dead. */
  async resend(tenantId: string, messageId: string): Promise<OutboxMessage | null> {
    const [row] = await this.database.withTenant(tenantId, (tx) =>
      tx.query<OutboxMessage>(
        `UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = now(), last_error = NULL
          WHERE tenant_id = $1 AND message_id = $2 AND status = 'dead' RETURNING *`,
        [tx.tenantId, messageId],
      ),
    );
    return row ?? null;
  }

  async weeks(tenantId: string, limit: number): Promise<WeekStats[]> {
    return this.database.withTenant(tenantId, (tx) =>
      tx.query<WeekStats>(
        `SELECT w.week, r.started_at, r.completed_at,
                count(o.message_id)::int AS scheduled,
                count(*) FILTER (WHERE o.status = 'sent')::int AS sent,
                count(*) FILTER (WHERE o.status IN ('pending', 'sending') AND o.attempts = 0)::int AS pending,
                count(*) FILTER (WHERE o.status IN ('pending', 'sending') AND o.attempts > 0)::int AS retrying,
                count(*) FILTER (WHERE o.status = 'dead')::int AS dead
           FROM (SELECT week FROM digest_runs WHERE tenant_id = $1
                 UNION SELECT week FROM outbox WHERE tenant_id = $1 AND kind = 'digest') w
           LEFT JOIN digest_runs r ON r.tenant_id = $1 AND r.week = w.week
           LEFT JOIN outbox o ON o.tenant_id = $1 AND o.week = w.week
          GROUP BY w.week, r.started_at, r.completed_at
          ORDER BY w.week DESC LIMIT $2`,
        [tx.tenantId, limit],
      ),
    );
  }

  async deadMessages(tenantId: string, week: string): Promise<OutboxMessage[]> {
    return this.database.withTenant(tenantId, (tx) =>
      tx.query<OutboxMessage>(
        `SELECT * FROM outbox WHERE tenant_id = $1 AND week = $2 AND status = 'dead' ORDER BY to_address`,
        [tx.tenantId, week],
      ),
    );
  }

  async optedOut(tenantId: string, kind: RecipientKind): Promise<Set<string>> {
    const rows = await this.database.withTenant(tenantId, (tx) =>
      tx.query<{ recipient_id: string }>(
        `SELECT recipient_id FROM digest_optouts WHERE tenant_id = $1 AND recipient_kind = $2`,
        [tx.tenantId, kind],
      ),
    );
    return new Set(rows.map((r) => r.recipient_id));
  }

  /** False when the recipient had already opted out. */
  async optOut(tx: Tx, kind: RecipientKind, recipientId: string): Promise<boolean> {
    const inserted = await tx.query(
      `INSERT INTO digest_optouts (tenant_id, recipient_kind, recipient_id) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING RETURNING recipient_id`,
      [tx.tenantId, kind, recipientId],
    );
    return inserted.length > 0;
  }
}
