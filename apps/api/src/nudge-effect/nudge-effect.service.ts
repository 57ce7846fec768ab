import { Injectable } from '@nestjs/common';
import {
  type CohortState,
  type NudgeEffect,
  nudgeEffectOf,
  streamIds,
  type TrackedDigest,
  type TrackedDigestItem,
} from '@rapport/domain';
import { Database } from '@rapport/event-store';
import { AccessService } from '../access/access.service';
import type { Actor } from '../auth/actor';
import { AuthError } from '../auth/auth.errors';
import { AggregateStatesRepository } from '../write/aggregate-states.repository';
import { NUDGE_DIGEST_ITEMS, NUDGE_DIGESTS } from './nudge-effect.projection';

/** "Did the nudge work?" for a cohort's advisors and admins (docs/adr/0023). */
@Injectable()
export class NudgeEffectService {
  constructor(
    private readonly database: Database,
    private readonly access: AccessService,
    private readonly states: AggregateStatesRepository,
  ) {}

  /**
   * The digests that went to the cohort's students at or before `asOf` (in the cohort they were
   * in then) and what came of their items, as known at `asOf`.
   */
  async cohortNudgeEffect(actor: Actor, cohortId: string, asOf: Date): Promise<NudgeEffect> {
    this.access.requireRole(actor, 'advisor', 'admin');
    if (actor.role === 'advisor') {
      const cohort = await this.states.find<CohortState>(
        actor.tenantId,
        streamIds.cohort(cohortId),
      );
      if (cohort?.state.status !== 'active' || !cohort.state.advisorIds.includes(actor.subject))
        throw AuthError.forbidden('Only the advisors of this cohort see its digests');
    }
    const at = asOf.toISOString();
    const { digests, items } = await this.database.withTenant(actor.tenantId, async (tx) => ({
      digests: await tx.query<{
        digest_id: string;
        student_id: string;
        sent_at: Date;
        opened_at: Date | null;
      }>(
        `SELECT digest_id, student_id, sent_at, opened_at FROM ${NUDGE_DIGESTS}
          WHERE tenant_id = $1 AND cohort_id = $2 AND sent_at <= $3`,
        [tx.tenantId, cohortId, at],
      ),
      // Steps after `asOf` are dropped here already; the domain applies the window.
      items: await tx.query<{
        digest_id: string;
        kind: TrackedDigestItem['kind'];
        opened_at: Date;
        due_at: Date;
        done_at: Date | null;
        done_via_digest_id: string | null;
      }>(
        `SELECT digest_id, kind, opened_at, due_at,
                CASE WHEN done_at <= $3 THEN done_at END AS done_at,
                CASE WHEN done_at <= $3 THEN done_via_digest_id END AS done_via_digest_id
           FROM ${NUDGE_DIGEST_ITEMS}
          WHERE tenant_id = $1 AND cohort_id = $2 AND sent_at <= $3
          ORDER BY digest_id, item_no`,
        [tx.tenantId, cohortId, at],
      ),
    }));
    const byDigest = new Map<string, TrackedDigest>(
      digests.map((d) => [
        d.digest_id,
        {
          digestId: d.digest_id,
          studentId: d.student_id,
          cohortId,
          sentAt: d.sent_at.toISOString(),
          openedAt: d.opened_at?.toISOString() ?? null,
          items: [],
        },
      ]),
    );
    for (const i of items) {
      byDigest.get(i.digest_id)?.items.push({
        kind: i.kind,
        openedAt: i.opened_at.toISOString(),
        dueAt: i.due_at.toISOString(),
        doneAt: i.done_at?.toISOString() ?? null,
        doneViaDigestId: i.done_via_digest_id,
      });
    }
    return nudgeEffectOf([...byDigest.values()], at);
  }
}
