import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { deterministicUuid } from '../common/ids';
import { MetricsService } from '../metrics/metrics.service';
import {
  type CohortState,
  type ContactState,
  defaultInstitutionSettings,
  digestItemsOf,
  type InstitutionState,
  type OpenInterview,
  type StaffState,
  type StudentDigestTracking,
  type StudentState,
  streamIds,
} from '@rapport/domain';
import { EventStore, Database, Tenants } from '@rapport/event-store';
import {
  advisorDigest,
  pendingDigestWeek,
  renderAdvisorDigest,
  renderStudentDigest,
  signUnsubscribeToken,
  studentDigest,
  unsubscribeHeaders,
} from '@rapport/notifications';
import { APP_CONFIG } from '../app-config.token';
import type { Actor } from '../auth/actor';
import type { AppConfig } from '../config/app-config';
import { persistentSecret } from '../config/persistent-secret';
import { ProgressService, type StudentView } from '../progress/progress.service';
import {
  AggregateStatesRepository,
  type StoredAggregate,
} from '../write/aggregate-states.repository';
import { DigestRepository, type NewDigest, type RecipientKind } from './digest.repository';

export interface PlannedDigest extends NewDigest {
  itemCount: number;
  /** A student digest's items by id, recorded with it to tell later whether the nudge worked. */
  tracking?: StudentDigestTracking;
}

type Registered<S, K extends string> = Extract<S, { status: K }>;

/**
 * Finds institutions whose local digest slot has come this ISO week and schedules one digest
 * per recipient with something to say: the digest key, its outbox row and a DigestScheduled
 * event commit together, so a crash never leaves one without the others.
 */
@Injectable()
export class DigestScheduler {
  private readonly logger = new Logger('Digests');
  readonly unsubscribeSecret: string;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly database: Database,
    private readonly store: EventStore,
    private readonly tenants: Tenants,
    private readonly digests: DigestRepository,
    private readonly states: AggregateStatesRepository,
    private readonly progress: ProgressService,
    @Optional() private readonly metrics?: MetricsService,
  ) {
    this.unsubscribeSecret =
      config.mail.unsubscribeSecret ?? persistentSecret(config.dataDir, 'unsubscribe-secret');
  }

  /** One tick: every institution whose slot is due and not yet run. Returns digests scheduled. */
  async tick(now = new Date()): Promise<number> {
    let scheduled = 0;
    for (const tenant of await this.tenants.list()) {
      try {
        scheduled += await this.runIfDue(tenant.tenantId, now);
      } catch (error) {
        this.logger.error(
          `digest run for ${tenant.slug} failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    return scheduled;
  }

  async runIfDue(tenantId: string, now: Date): Promise<number> {
    const institution = await this.institution(tenantId);
    if (!institution) return 0;
    const { digestWeekday, digestHour } = institution.settings;
    const week = pendingDigestWeek(
      now,
      institution.timeZone,
      digestWeekday,
      digestHour,
      await this.digests.lastCompletedWeek(tenantId),
    );
    if (!week || !(await this.digests.claimRun(tenantId, week))) return 0;
    const scheduled = await this.runWeek(tenantId, week, now);
    await this.digests.completeRun(tenantId, week);
    this.logger.log(`${week}: ${scheduled} digests scheduled for tenant ${tenantId}`);
    return scheduled;
  }

  /** Schedules a week's digests now, whatever the slot (the CLI); recipients already served are skipped. */
  async runWeek(tenantId: string, week: string, now: Date): Promise<number> {
    let scheduled = 0;
    for (const digest of await this.plan(tenantId, week, now)) {
      if (await this.schedule(tenantId, digest, now)) {
        scheduled++;
        this.metrics?.digests.inc({ outcome: 'scheduled' });
      }
    }
    return scheduled;
  }

  /** The digests of one institution's week, rendered but not stored (also the dry run). */
  async plan(tenantId: string, week: string, now: Date): Promise<PlannedDigest[]> {
    const institution = await this.institution(tenantId);
    if (!institution) return [];
    const actor: Actor = { subject: 'digest-scheduler', tenantId, role: 'admin' };
    const [views, students, contacts, interviews, cohorts, staff, studentOptOuts, advisorOptOuts] =
      await Promise.all([
        this.progress.advisorDashboard(actor, undefined, now),
        this.states.list<StudentState>(tenantId, 'student'),
        this.states.list<ContactState>(tenantId, 'contact'),
        this.states.list<OpenInterview>(tenantId, 'interview'),
        this.states.list<CohortState>(tenantId, 'cohort'),
        this.states.list<StaffState>(tenantId, 'staff'),
        this.digests.optedOut(tenantId, 'student'),
        this.digests.optedOut(tenantId, 'advisor'),
      ]);
    const staffById = new Map(staff.map((s) => [s.aggregateId!, s.state]));
    const byStudent = new Map(students.map((s) => [s.aggregateId!, s]));
    const contactLabels: Record<string, string> = {};
    for (const c of contacts) {
      if (c.state.status === 'none') continue;
      contactLabels[c.aggregateId!] = c.state.organization
        ? `${c.state.personal.name} (${c.state.organization})`
        : c.state.personal.name;
    }
    const interviewContacts = Object.fromEntries(
      interviews.map((i) => [i.aggregateId!, i.state.contactId]),
    );
    const common = {
      institutionName: institution.name,
      zone: institution.timeZone,
      appUrl: this.config.mail.appUrl,
    };

    const planned: PlannedDigest[] = [];
    for (const view of views) {
      const record = byStudent.get(view.studentId);
      if (record?.state.status !== 'registered' || !view.progress.enrolled) continue;
      const student = record as StoredAggregate<Registered<StudentState, 'registered'>>;
      // An erased student gets no mail at all (docs/adr/0025).
      if (
        student.state.erased ||
        student.state.digestPreference !== 'weekly' ||
        studentOptOuts.has(view.studentId)
      )
        continue;
      const url = this.unsubscribeUrl(tenantId, 'student', view.studentId);
      const envelope = this.envelope(
        tenantId,
        'student',
        view.studentId,
        week,
        // The confirmed address: a requested new one waits for its link to be followed.
        student.state.personal.email,
        url,
      );
      const content = studentDigest({
        ...common,
        studentId: view.studentId,
        studentName: student.state.personal.name,
        followUps: view.followUps,
        contactLabels,
        interviewContacts,
        interviewTarget: view.summary.interviews.target,
        // The links are bound to this digest (its deterministic message id) and issued now.
        links: {
          tenantId,
          digestId: envelope.messageId,
          secret: this.unsubscribeSecret,
          issuedAt: now,
        },
      });
      if (!content) continue;
      planned.push({
        ...envelope,
        ...renderStudentDigest(content, { unsubscribeUrl: url }),
        itemCount: content.itemCount,
        tracking: {
          studentId: view.studentId,
          cohortId: view.progress.cohortId,
          followUps: digestItemsOf(view.followUps),
        },
      });
    }

    for (const [advisorId, advised] of this.advisedCohorts(cohorts, views, byStudent)) {
      // Advisors are staff members; a deactivated one, or one without an email, gets no mail.
      const advisor = staffById.get(advisorId);
      if (advisor?.status !== 'invited' && advisor?.status !== 'active') continue;
      if (!advisor.personal.email || advisorOptOuts.has(advisorId)) continue;
      const url = this.unsubscribeUrl(tenantId, 'advisor', advisorId);
      const envelope = this.envelope(
        tenantId,
        'advisor',
        advisorId,
        week,
        advisor.personal.email,
        url,
      );
      const content = advisorDigest({
        ...common,
        advisorName: advisor.personal.name,
        cohorts: advised,
        // Read-only view links for this staff member, bound to this digest (docs/adr/0021).
        links: {
          tenantId,
          staffId: advisorId,
          digestId: envelope.messageId,
          secret: this.unsubscribeSecret,
          issuedAt: now,
        },
      });
      if (!content) continue;
      planned.push({
        ...envelope,
        ...renderAdvisorDigest(content, { unsubscribeUrl: url }),
        itemCount: advised.reduce((n, c) => n + c.students.length, 0),
      });
    }
    return planned;
  }

  /** Stores one digest with its outbox row and event; false when that recipient already has this week's. */
  private async schedule(tenantId: string, digest: PlannedDigest, now: Date): Promise<boolean> {
    return this.database.withTenant(tenantId, async (tx) => {
      if (!(await this.digests.insertDigest(tx, digest))) return false;
      await this.store.append(
        tenantId,
        `digest-${digest.recipientKind}-${digest.recipientId}`,
        [
          {
            type: 'DigestScheduled',
            data: {
              week: digest.week,
              messageId: digest.messageId,
              items: digest.itemCount,
              at: now.toISOString(),
              ...digest.tracking,
            },
            metadata: {
              actorId: 'digest-scheduler',
              actorRole: 'system',
              correlationId: digest.messageId,
            },
          },
        ],
        { tx },
      );
      return true;
    });
  }

  private envelope(
    tenantId: string,
    kind: RecipientKind,
    recipientId: string,
    week: string,
    to: string,
    unsubscribeUrl: string,
  ) {
    // The same message id for the same (tenant, recipient, week): a resend is recognisable downstream.
    const messageId = deterministicUuid(`${tenantId}|${kind}|${recipientId}|${week}`);
    return {
      recipientKind: kind,
      recipientId,
      week,
      messageId,
      to,
      headers: { ...unsubscribeHeaders(unsubscribeUrl), 'X-Rapport-Digest': `${week}` },
    };
  }

  private unsubscribeUrl(tenantId: string, kind: RecipientKind, recipientId: string): string {
    const token = signUnsubscribeToken({ tenantId, recipientId, kind }, this.unsubscribeSecret);
    return `${this.config.mail.appUrl}/unsubscribe?token=${encodeURIComponent(token)}`;
  }

  private advisedCohorts(
    cohorts: StoredAggregate<CohortState>[],
    views: StudentView[],
    students: Map<string, StoredAggregate<StudentState>>,
  ) {
    const byCohort = new Map<string, StudentView[]>();
    for (const view of views) {
      const cohortId = view.progress.cohortId;
      // Nothing can be done for an erased student: they are no item of an advisor's week.
      const student = students.get(view.studentId)?.state;
      if (student?.status === 'registered' && student.erased) continue;
      if (cohortId) byCohort.set(cohortId, [...(byCohort.get(cohortId) ?? []), view]);
    }
    const advised = new Map<
      string,
      {
        cohortId: string;
        name: string;
        students: {
          studentId: string;
          name: string;
          riskScore: number;
          reasons: string[];
          overdue: number;
          atTarget: boolean;
        }[];
      }[]
    >();
    for (const cohort of cohorts) {
      if (cohort.state.status !== 'active') continue;
      const entry = {
        cohortId: cohort.aggregateId!,
        name: cohort.state.name,
        students: (byCohort.get(cohort.aggregateId!) ?? []).map((v) => {
          const s = students.get(v.studentId)?.state;
          return {
            studentId: v.studentId,
            name: s?.status === 'registered' ? s.personal.name : 'A student',
            riskScore: v.risk.score,
            reasons: v.risk.reasons,
            overdue: v.followUps.filter((f) => f.overdue).length,
            atTarget: v.summary.interviews.atTarget,
          };
        }),
      };
      for (const advisorId of cohort.state.advisorIds)
        advised.set(advisorId, [...(advised.get(advisorId) ?? []), entry]);
    }
    return advised;
  }

  async institution(tenantId: string) {
    const stored = await this.states.find<InstitutionState>(tenantId, streamIds.institution());
    if (stored?.state.status !== 'registered') return null;
    return {
      ...stored.state,
      settings: { ...defaultInstitutionSettings, ...stored.state.settings },
    };
  }
}
