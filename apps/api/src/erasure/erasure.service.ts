import { Inject, Injectable } from '@nestjs/common';
import {
  type ErasureReason,
  erasedPersonal,
  personalDataOwner,
  type StaffState,
  type StudentState,
  enrolmentsOf,
  streamIds,
} from '@rapport/domain';
import { DATA_KEYS, type DataKeys, Database, EventStore, type Tx } from '@rapport/event-store';
import { randomUUID } from 'node:crypto';
import { AccessService } from '../access/access.service';
import type { Actor } from '../auth/actor';
import { deterministicUuid } from '../common/ids';
import { DashboardCache } from '../progress/dashboard-cache';
import { AGGREGATE_STATES } from '../write/aggregate-state.projection';
import { aggregateOf, foldEvents, initialFold } from '../write/aggregates';
import { StateCache } from '../write/state-cache';
import type { CommandContext } from '../write/command-context';
import { CommandExecutor } from '../write/command-executor';
import { encodeState } from '../write/state-codec';
import { logHead, progressCaughtUp } from '../progress/progress-wait';

export interface ErasureResult {
  studentId: string;
  erasedAt: Date;
  /** Whether the async read models had passed the erasure within the bounded wait. */
  caughtUp: boolean;
}

export interface StaffErasureResult {
  staffId: string;
  erasedAt: Date;
}

/** The request context of a mutation, when there is one (the retention job has none). */
export interface ErasureContext {
  correlationId?: string;
  clientMutationId?: string;
  now?: Date;
}

/**
 * Erases a person (docs/adr/0025): in one tenant transaction it records the erasure, destroys
 * their data key, purges the rows outside the log that name them (outbox, digests, opt-outs,
 * week sessions, sign-in links) and re-folds the aggregate states that hold their personal data
 * as the log now reads. Read models keep the person's ids, so every count stays true.
 */
@Injectable()
export class ErasureService {
  constructor(
    private readonly database: Database,
    private readonly store: EventStore,
    private readonly executor: CommandExecutor,
    private readonly access: AccessService,
    private readonly dashboards: DashboardCache,
    private readonly states: StateCache,
    // Null only where sealing is off (the bench's baseline): there is no key to destroy.
    @Inject(DATA_KEYS) private readonly keys: DataKeys | null,
  ) {}

  /** Admins: erase a student; erasing again answers the first erasure and records nothing. */
  async eraseStudent(
    actor: Actor,
    input: { studentId: string; reason: ErasureReason },
    ctx: ErasureContext = {},
  ): Promise<ErasureResult> {
    this.access.requireRole(actor, 'admin');
    const now = ctx.now ?? new Date();
    const before = await logHead(this.database, actor.tenantId);
    const { erasedAt } = await this.erase(
      {
        actor,
        correlationId: ctx.correlationId ?? randomUUID(),
        clientMutationId: ctx.clientMutationId,
        now,
      },
      input.studentId,
      input.reason,
    );
    const caughtUp = await progressCaughtUp(this.database, actor.tenantId, before);
    return { studentId: input.studentId, erasedAt, caughtUp };
  }

  /** The retention job's entry point: exactly once per student, whoever asks again. */
  async eraseStudentAsSystem(
    tenantId: string,
    studentId: string,
    reason: 'retention',
    now: Date,
  ): Promise<'erased' | 'already'> {
    const { erased } = await this.erase(
      {
        actor: { subject: 'retention', tenantId, role: 'admin' },
        correlationId: deterministicUuid(`${tenantId}|erase-student|${studentId}`),
        now,
      },
      studentId,
      reason,
    );
    return erased ? 'erased' : 'already';
  }

  /** Admins: erase an advisor or admin (not themselves); erasing again records nothing. */
  async eraseStaffMember(
    actor: Actor,
    input: { staffId: string; reason: ErasureReason },
    ctx: ErasureContext = {},
  ): Promise<StaffErasureResult> {
    this.access.requireRole(actor, 'admin');
    const context: CommandContext = {
      actor,
      correlationId: ctx.correlationId ?? randomUUID(),
      clientMutationId: ctx.clientMutationId,
      now: ctx.now ?? new Date(),
    };
    const { staffId } = input;
    const erasedAt = await this.database.withTenant(actor.tenantId, async (tx) => {
      const streamId = streamIds.staff(staffId);
      const { state: prior } = await this.executor.load<StaffState>(actor.tenantId, streamId, tx);
      const result = await this.executor.execute<StaffState>(
        context,
        {
          type: 'EraseStaffMember',
          data: {
            staffId,
            erasedBy: actor.subject,
            reason: input.reason,
            at: context.now.toISOString(),
          },
        },
        { tx },
      );
      await this.keys?.destroy(tx, staffId);
      await this.purge(
        tx,
        staffId,
        prior.status === 'none'
          ? { names: [], emails: [] }
          : { names: [prior.personal.name], emails: [prior.personal.email] },
      );
      await this.refold(tx, staffId, [streamId, streamIds.identity(staffId)]);
      return await this.erasedAtOf(tx, streamId, result.events.length > 0 ? context.now : null);
    });
    this.dashboards.clear();
    // Re-folded at the same versions: this process's cached states of them are stale.
    this.states.evictTenant(actor.tenantId);
    return { staffId, erasedAt };
  }

  private async erase(
    context: CommandContext,
    studentId: string,
    reason: ErasureReason,
  ): Promise<{ erased: boolean; erasedAt: Date }> {
    const result = await this.database.withTenant(context.actor.tenantId, async (tx) => {
      const streamId = streamIds.student(studentId);
      const { state: prior } = await this.executor.load<StudentState>(
        context.actor.tenantId,
        streamId,
        tx,
      );
      const executed = await this.executor.execute<StudentState>(
        context,
        { type: 'EraseStudent', data: { studentId, reason, at: context.now.toISOString() } },
        { tx },
      );
      // The single call site of key destruction: from here on the log reads erased.
      await this.keys?.destroy(tx, studentId);
      const known = prior.status === 'registered' && !prior.erased;
      await this.purge(tx, studentId, {
        names: known ? [prior.personal.name] : [],
        emails: known ? [prior.personal.email, prior.pendingEmailChange?.email] : [],
      });
      const cohorts =
        prior.status === 'registered'
          ? enrolmentsOf(prior).map((e) => streamIds.cohort(e.cohortId))
          : [];
      const owned = await tx.query<{ stream_id: string }>(
        `SELECT stream_id FROM ${AGGREGATE_STATES} WHERE tenant_id = $1 AND student_id = $2`,
        [tx.tenantId, studentId],
      );
      await this.refold(tx, studentId, [
        ...new Set([
          streamId,
          streamIds.identity(studentId),
          streamIds.advisorNotes(studentId),
          ...owned.map((r) => r.stream_id),
          ...cohorts,
        ]),
      ]);
      const erased = executed.events.length > 0;
      return { erased, erasedAt: await this.erasedAtOf(tx, streamId, erased ? context.now : null) };
    });
    this.dashboards.clear();
    this.states.evictTenant(context.actor.tenantId);
    return result;
  }

  /**
   * Deletes what names the person outside the log: their mail (any kind, any status), digests,
   * opt-outs and week sessions, and other people's mail that quotes their address or their name
   * as a whole word (an advisor's digest listing them). Nudge statistics keep their ids: they
   * hold nothing else.
   */
  private async purge(
    tx: Tx,
    personId: string,
    traces: { names: readonly string[]; emails: readonly (string | null | undefined)[] },
  ) {
    const t = tx.tenantId;
    const variants = (values: readonly (string | null | undefined)[]) => [
      ...new Set(
        values
          .map((v) => v?.trim() ?? '')
          .filter((v) => v.length >= 3)
          .flatMap((v) => [v, escapeHtml(v)]),
      ),
    ];
    const addresses = variants(traces.emails);
    // Whole words only: a short name must not take "Analytics" mail with it.
    const names = variants(traces.names).map(
      (name) => `(^|[^[:alnum:]_])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^[:alnum:]_])`,
    );
    await tx.query(
      `DELETE FROM outbox WHERE tenant_id = $1 AND (recipient_id = $2
         OR EXISTS (SELECT 1 FROM unnest($3::text[]) q
                     WHERE strpos(to_address, q) > 0 OR strpos(subject, q) > 0
                        OR strpos(text, q) > 0 OR strpos(html, q) > 0)
         OR EXISTS (SELECT 1 FROM unnest($4::text[]) n
                     WHERE subject ~ n OR text ~ n OR html ~ n))`,
      [t, personId, addresses, names],
    );
    await tx.query(`DELETE FROM digests WHERE tenant_id = $1 AND recipient_id = $2`, [t, personId]);
    await tx.query(`DELETE FROM digest_optouts WHERE tenant_id = $1 AND recipient_id = $2`, [
      t,
      personId,
    ]);
    await tx.query(`DELETE FROM week_sessions WHERE tenant_id = $1 AND student_id = $2`, [
      t,
      personId,
    ]);
    await tx.query(`DELETE FROM identity_links WHERE tenant_id = $1 AND person_id = $2`, [
      t,
      personId,
    ]);
  }

  /**
   * Re-folds each stream's aggregate state as the log reads once the person's key is gone: the
   * personal part of every event they own is its erased placeholder (what a rebuild gives).
   */
  private async refold(tx: Tx, ownerId: string, streams: readonly string[]) {
    for (const streamId of streams) {
      const events = await this.store.readStream(tx.tenantId!, streamId, { tx });
      if (events.length === 0) continue;
      const { kind } = aggregateOf(streamId);
      const erased = events.map((event) => {
        const data = event.data as Record<string, unknown>;
        return {
          type: event.type,
          data:
            personalDataOwner(data) === ownerId
              ? { ...data, personal: erasedPersonal(event.type, data) }
              : data,
        };
      });
      const { state, view } = foldEvents(kind, initialFold(kind), 0, erased);
      await tx.query(
        `UPDATE ${AGGREGATE_STATES} SET state = $3::json, view = $4::json
          WHERE tenant_id = $1 AND stream_id = $2`,
        [
          tx.tenantId,
          streamId,
          JSON.stringify(encodeState(state)),
          view === null ? null : JSON.stringify(view),
        ],
      );
    }
  }

  /** When the person's (first) erasure was recorded. */
  private async erasedAtOf(tx: Tx, streamId: string, justNow: Date | null): Promise<Date> {
    if (justNow) return justNow;
    const [row] = await tx.query<{ at: string }>(
      `SELECT data->>'at' AS at FROM events WHERE tenant_id = $1 AND stream_id = $2
          AND type IN ('StudentErased', 'StaffMemberErased') ORDER BY stream_version LIMIT 1`,
      [tx.tenantId, streamId],
    );
    return new Date(row.at);
  }
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
