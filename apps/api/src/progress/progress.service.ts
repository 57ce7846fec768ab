import { Injectable, Optional } from '@nestjs/common';
import {
  type CohortState,
  cohortDashboard,
  describeEvent,
  type DomainEvent,
  enrolledInCohort,
  DomainError,
  type FollowUpItem,
  followUpsOf,
  initialStudentProgress,
  type ProgressSummary,
  type ReferralForest,
  referralNetwork,
  type RiskAssessment,
  riskOf,
  type SettingsAt,
  settingsAtFrom,
  sharedProfessionals,
  type SharedProfessional,
  type StudentProgress,
  summarizeProgress,
  type CohortDashboard,
  type TimelineEntry,
} from '@rapport/domain';
import { AccessService, type VisibleStudents } from '../access/access.service';
import type { Actor } from '../auth/actor';
import { AuthError } from '../auth/auth.errors';
import { AggregateStatesRepository } from '../write/aggregate-states.repository';
import {
  type ConnectionShape,
  type CursorKind,
  decodeCursor,
  hasOnlyKeys,
  type PageArgs,
  pageSize,
  toConnection,
} from '../common/connection';
import { DashboardCache } from './dashboard-cache';
import { type ActivityKey, ProgressRepository } from './progress.repository';

type ActiveCohort = Extract<CohortState, { status: 'active' }>;

/** A timeline cursor: the last entry's instant, exactly as `toISOString` wrote it, and log position. */
const TIMELINE_CURSOR: CursorKind<ActivityKey> = {
  is: (value): value is ActivityKey =>
    hasOnlyKeys(value, ['at', 'position']) &&
    typeof value.at === 'string' &&
    /^[1-9]\d{3}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(value.at) &&
    !Number.isNaN(Date.parse(value.at)) &&
    new Date(value.at).toISOString() === value.at &&
    Number.isSafeInteger(value.position) &&
    (value.position as number) >= 0,
};

/** Everything the dashboards show about one student at one instant. */
export interface StudentView {
  studentId: string;
  progress: StudentProgress;
  summary: ProgressSummary;
  followUps: FollowUpItem[];
  risk: RiskAssessment;
}

/** What a computation at an instant needs besides the students: settings, and the cohort terms. */
interface Frame {
  asOf: string;
  settingsAt: SettingsAt;
  cohorts: Map<string, ActiveCohort>;
}

/**
 * Dashboards from the progress read model. Without `asOf` they read the projected state and
 * evaluate due dates now; with `asOf` they fold each student's events recorded up to that
 * instant with the same reducer the projection uses, so both answers come from one code path.
 */
@Injectable()
export class ProgressService {
  constructor(
    private readonly progress: ProgressRepository,
    private readonly states: AggregateStatesRepository,
    private readonly access: AccessService,
    /** Absent where every call must compute (benchmarks of the computation itself). */
    @Optional() private readonly cache?: DashboardCache,
  ) {}

  /** Views of students the caller was already allowed to see (the parent field checked). */
  async studentViews(
    actor: Actor,
    studentIds: readonly string[],
    asOf?: Date,
  ): Promise<Map<string, StudentView>> {
    const at = asOf ?? new Date();
    const [progress, frame] = await Promise.all([
      asOf
        ? this.foldedProgress(actor.tenantId, { studentIds }, asOf)
        : this.progress.progressOf(actor.tenantId, studentIds),
      this.frame(actor.tenantId, at),
    ]);
    const views = new Map<string, StudentView>();
    for (const id of studentIds)
      views.set(id, this.view(progress.get(id) ?? initialStudentProgress(id), frame));
    return views;
  }

  async cohortDashboard(
    actor: Actor,
    cohortId: string,
    asOf?: Date,
    now?: Date,
  ): Promise<CohortDashboard> {
    this.assertStaff(actor);
    if (asOf || now || !this.cache) return this.computeCohortDashboard(actor, cohortId, asOf, now);
    // Live: one statement reads the fingerprint and who may see the cohort (docs/adr/0029), so
    // an answer from memory is never given to a caller the cohort's own state would refuse.
    const read = await this.progress.cohortFingerprint(actor.tenantId, cohortId, actor.subject);
    if (!read.cohortActive)
      throw DomainError.notFound(`Cohort ${cohortId} does not exist`, 'cohortId');
    if (actor.role !== 'admin' && !read.advisorAssigned)
      throw AuthError.forbidden('You are not assigned to this cohort');
    return this.cache.serve(actor.tenantId, cohortId, read.fingerprint, (at) =>
      this.computeCohortDashboard(actor, cohortId, undefined, at),
    );
  }

  private async computeCohortDashboard(
    actor: Actor,
    cohortId: string,
    asOf: Date | undefined,
    now = new Date(),
  ): Promise<CohortDashboard> {
    const at = asOf ?? now;
    const [students, frame] = await Promise.all([
      this.cohortProgress(actor.tenantId, cohortId, asOf),
      this.frame(actor.tenantId, at),
    ]);
    const cohort = this.cohortOf(frame, cohortId);
    return cohortDashboard(
      students,
      {
        cohortId,
        startDate: cohort.startDate,
        endDate: cohort.endDate,
        target: this.targetOf(frame, cohortId),
      },
      frame.settingsAt,
      frame.asOf,
    );
  }

  /**
   * The students of a cohort enrolled then (at `asOf`, or now) that the caller may see now, with
   * their view, for sorting and paging in memory (≤ 1,000).
   */
  async cohortStudentViews(
    actor: Actor,
    cohortId: string,
    asOf?: Date,
    now = new Date(),
  ): Promise<StudentView[]> {
    this.assertStaff(actor);
    const visible = await this.access.visibleStudents(actor, cohortId);
    return this.visibleCohortViews(actor, cohortId, visible, asOf, now);
  }

  /** The advisor's students (an admin's: everyone's) ranked by risk, with the reasons. */
  async advisorDashboard(actor: Actor, asOf?: Date, now = new Date()): Promise<StudentView[]> {
    this.assertStaff(actor);
    const [cohorts, visible] = await Promise.all([
      this.states.list<CohortState>(actor.tenantId, 'cohort'),
      this.access.visibleStudents(actor),
    ]);
    const mine = cohorts.filter(
      (c) =>
        c.state.status === 'active' &&
        (actor.role === 'admin' || c.state.advisorIds.includes(actor.subject)),
    );
    const views = (
      await Promise.all(
        mine.map((c) => this.visibleCohortViews(actor, c.aggregateId!, visible, asOf, now)),
      )
    ).flat();
    return views.sort(
      (a, b) => b.risk.score - a.risk.score || a.studentId.localeCompare(b.studentId),
    );
  }

  private async visibleCohortViews(
    actor: Actor,
    cohortId: string,
    visible: VisibleStudents,
    asOf: Date | undefined,
    now: Date,
  ): Promise<StudentView[]> {
    const [students, frame] = await Promise.all([
      this.cohortProgress(actor.tenantId, cohortId, asOf),
      this.frame(actor.tenantId, asOf ?? now),
    ]);
    return students
      .filter((p) => enrolledInCohort(p, cohortId) && visible.has(p.studentId))
      .map((p) => this.view(p, frame));
  }

  async referralNetwork(actor: Actor, studentId: string, asOf?: Date): Promise<ReferralForest> {
    const progress = asOf
      ? await this.foldedProgress(actor.tenantId, { studentIds: [studentId] }, asOf)
      : await this.progress.progressOf(actor.tenantId, [studentId]);
    return referralNetwork(progress.get(studentId) ?? initialStudentProgress(studentId));
  }

  /** Professionals several students the caller may see contacted, to spread the load. */
  async sharedProfessionals(actor: Actor): Promise<SharedProfessional[]> {
    this.assertStaff(actor);
    const [cohorts, visible] = await Promise.all([
      this.states.list<CohortState>(actor.tenantId, 'cohort'),
      this.access.visibleStudents(actor),
    ]);
    const mine = cohorts.filter(
      (c) =>
        c.state.status === 'active' &&
        (actor.role === 'admin' || c.state.advisorIds.includes(actor.subject)),
    );
    const students = (
      await Promise.all(
        mine.map((c) => this.progress.progressOfCohort(actor.tenantId, c.aggregateId!)),
      )
    ).flat();
    // A student who moved between two of these cohorts is listed by both: counted once.
    const unique = new Map(students.map((p) => [p.studentId, p]));
    return sharedProfessionals([...unique.values()].filter((p) => visible.has(p.studentId)));
  }

  /** A page of the student's activity as the caller may know it, newest first. */
  async timeline(
    actor: Actor,
    studentId: string,
    page: PageArgs,
  ): Promise<ConnectionShape<TimelineEntry>> {
    const size = pageSize(page.first);
    const after = decodeCursor(page.after, TIMELINE_CURSOR);
    const { rows, total } = await this.progress.activity(
      actor.tenantId,
      studentId,
      size + 1,
      after,
      this.access.hiddenActivity(actor),
    );
    const entries = rows.map((row) => ({
      key: { at: row.occurred_at.toISOString(), position: Number(row.global_position) },
      entry: describeEvent(
        { type: row.event_type, data: row.data } as DomainEvent,
        row.actor_id ? { id: row.actor_id, role: row.actor_role ?? 'unknown' } : null,
      ),
    }));
    const connection = toConnection(entries, size, total, (e) => e.key, after !== null);
    return {
      ...connection,
      edges: connection.edges.map((edge) => ({ cursor: edge.cursor, node: edge.node.entry })),
    };
  }

  private view(progress: StudentProgress, frame: Frame): StudentView {
    const cohortId = progress.cohortId;
    const cohort = cohortId ? frame.cohorts.get(cohortId) : undefined;
    const target = this.targetOf(frame, cohortId);
    const summary = summarizeProgress(progress, frame.settingsAt, { asOf: frame.asOf, target });
    const followUps = followUpsOf(
      progress,
      frame.settingsAt,
      frame.asOf,
      target,
      cohort ? { termEndDate: cohort.endDate } : {},
    );
    const risk = cohort
      ? riskOf(
          summary,
          followUps,
          { startDate: cohort.startDate, endDate: cohort.endDate },
          frame.asOf,
        )
      : { score: 0, reasons: [] };
    return { studentId: progress.studentId, progress, summary, followUps, risk };
  }

  private async frame(tenantId: string, at: Date): Promise<Frame> {
    const [timeline, cohorts] = await Promise.all([
      this.progress.settingsTimeline(tenantId),
      this.states.list<CohortState>(tenantId, 'cohort'),
    ]);
    const asOf = at.toISOString();
    return {
      asOf,
      // Settings changed after the instant did not exist yet then.
      settingsAt: settingsAtFrom(
        timeline.filter((entry, index) => index === 0 || entry.at <= asOf),
      ),
      cohorts: new Map(
        cohorts
          .filter((c) => c.state.status === 'active')
          .map((c) => [c.aggregateId!, c.state as ActiveCohort]),
      ),
    };
  }

  private targetOf(frame: Frame, cohortId: string | null): number {
    const override = cohortId ? frame.cohorts.get(cohortId)?.interviewTargetOverride : null;
    return override ?? frame.settingsAt(frame.asOf).interviewTarget;
  }

  private cohortOf(frame: Frame, cohortId: string): ActiveCohort {
    const cohort = frame.cohorts.get(cohortId);
    if (!cohort) throw DomainError.notFound(`Cohort ${cohortId} does not exist`, 'cohortId');
    return cohort;
  }

  private async cohortProgress(
    tenantId: string,
    cohortId: string,
    asOf?: Date,
  ): Promise<StudentProgress[]> {
    if (!asOf) return this.progress.progressOfCohort(tenantId, cohortId);
    return [...(await this.foldedProgress(tenantId, { cohortId }, asOf)).values()];
  }

  private foldedProgress(
    tenantId: string,
    scope: { studentIds: readonly string[] } | { cohortId: string },
    asOf: Date,
  ): Promise<Map<string, StudentProgress>> {
    return this.progress.progressAsOf(tenantId, scope, asOf);
  }

  private assertStaff(actor: Actor): void {
    if (actor.role === 'student')
      throw AuthError.forbidden('Dashboards are for advisors and admins');
  }
}
