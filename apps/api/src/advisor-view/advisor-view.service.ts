import { Injectable } from '@nestjs/common';
import {
  type CohortDashboard,
  compareFollowUps,
  type ContactState,
  type FollowUpItem,
  type OpenInterview,
  type ProgressSummary,
  type RiskAssessment,
  type StaffState,
  type StudentState,
  streamIds,
} from '@rapport/domain';
import { verifyAdvisorDigestViewToken } from '@rapport/notifications';
import { AccessService } from '../access/access.service';
import type { Actor } from '../auth/actor';
import { CohortService } from '../cohort/cohort.service';
import { DigestScheduler } from '../digest/digest-scheduler.service';
import { ProgressService, type StudentView } from '../progress/progress.service';
import { AggregateStatesRepository } from '../write/aggregate-states.repository';

/** Who followed the link, once the token and the staff member check out. */
export interface AdvisorViewer {
  actor: Actor;
  institutionName: string;
  zone: string;
}

export type AdvisorViewAccess =
  | { status: 'ok'; viewer: AdvisorViewer }
  | { status: 'invalid' }
  /** Genuine but old: the institution's name, to say where to sign in instead. */
  | { status: 'expired'; institutionName: string | null }
  /** The staff member was deactivated (or never was one here). */
  | { status: 'forbidden' };

export interface CohortCounts {
  cohortId: string;
  name: string;
  term: string;
  students: number;
  atRisk: number;
  /** Overdue follow-ups, all students together (as the digest counts them). */
  overdue: number;
  atTarget: number;
}

export interface RankedStudentRow {
  studentId: string;
  name: string;
  risk: RiskAssessment;
  overdue: number;
  held: number;
  target: number;
  atTarget: boolean;
}

export interface CohortPageView extends CohortCounts {
  /** Highest risk first, then by name. */
  ranked: RankedStudentRow[];
  dashboard: CohortDashboard;
}

export interface StudentPageView {
  studentId: string;
  name: string;
  cohortName: string | null;
  summary: ProgressSummary;
  risk: RiskAssessment;
  /** Outstanding steps, most urgent first, with whom they concern. */
  followUps: (FollowUpItem & { who: string | null })[];
}

/**
 * The read-only pages behind an advisor digest's links (docs/adr/0021, "Advisor digest links").
 * The token only names the staff member; what they see is decided now, by the same services and
 * access rules as GraphQL, with the actor of an advisor: an admin who advises a cohort gets
 * the advisor's view from a mail link, never the whole institution.
 */
@Injectable()
export class AdvisorViewService {
  constructor(
    private readonly links: DigestScheduler,
    private readonly states: AggregateStatesRepository,
    private readonly access: AccessService,
    private readonly progress: ProgressService,
    private readonly cohorts: CohortService,
  ) {}

  async open(token: unknown, now = new Date()): Promise<AdvisorViewAccess> {
    const verified = verifyAdvisorDigestViewToken(token, this.links.unsubscribeSecret, now);
    if (!verified.ok) {
      if (verified.reason === 'invalid') return { status: 'invalid' };
      const institution = await this.links.institution(verified.subject.tenantId);
      return { status: 'expired', institutionName: institution?.name ?? null };
    }
    const { tenantId, staffId } = verified.payload;
    const [staff, institution] = await Promise.all([
      this.states.find<StaffState>(tenantId, streamIds.staff(staffId)),
      this.links.institution(tenantId),
    ]);
    // The digest goes to invited and active staff; a deactivated one's links stop at once.
    if (!institution || (staff?.state.status !== 'active' && staff?.state.status !== 'invited'))
      return { status: 'forbidden' };
    const actor: Actor = { subject: staffId, tenantId, role: 'advisor' };
    // The same per-request check as the GraphQL guard, should it ever grow stricter.
    await this.access.assertActiveStaff(actor);
    return {
      status: 'ok',
      viewer: { actor, institutionName: institution.name, zone: institution.timeZone },
    };
  }

  /** The advisor's active cohorts, each with its counts. */
  async home(viewer: AdvisorViewer): Promise<CohortCounts[]> {
    const cohorts = await this.cohorts.list(viewer.actor);
    return Promise.all(
      cohorts.map(async (cohort) => ({
        cohortId: cohort.id,
        name: cohort.name,
        term: cohort.term,
        ...counts(await this.progress.cohortStudentViews(viewer.actor, cohort.id)),
      })),
    );
  }

  /** Throws FORBIDDEN for a cohort the advisor is not assigned to, NOT_FOUND for none. */
  async cohort(viewer: AdvisorViewer, cohortId: string): Promise<CohortPageView> {
    const { actor } = viewer;
    const cohort = await this.cohorts.get(actor, cohortId);
    const [views, dashboard] = await Promise.all([
      this.progress.cohortStudentViews(actor, cohortId),
      this.progress.cohortDashboard(actor, cohortId),
    ]);
    const names = await this.names(
      actor.tenantId,
      views.map((v) => v.studentId),
    );
    const ranked = views
      .filter((v) => names.has(v.studentId))
      .map((v) => ({
        studentId: v.studentId,
        name: names.get(v.studentId)!,
        risk: v.risk,
        overdue: overdueOf(v),
        held: v.summary.interviews.held,
        target: v.summary.interviews.target,
        atTarget: v.summary.interviews.atTarget,
      }))
      .sort(
        (a, b) =>
          b.risk.score - a.risk.score ||
          a.name.localeCompare(b.name) ||
          a.studentId.localeCompare(b.studentId),
      );
    return {
      cohortId,
      name: cohort.name,
      term: cohort.term,
      ...counts(views),
      ranked,
      dashboard,
    };
  }

  /** Throws FORBIDDEN unless the student is on the roster of a cohort the advisor advises now. */
  async student(viewer: AdvisorViewer, studentId: string): Promise<StudentPageView> {
    const { actor } = viewer;
    await this.access.assertCanReadStudent(actor, studentId);
    const { tenantId } = actor;
    const [record, views, contacts, interviews] = await Promise.all([
      this.states.find<StudentState>(tenantId, streamIds.student(studentId)),
      this.progress.studentViews(actor, [studentId]),
      this.states.list<ContactState>(tenantId, 'contact', { studentId }),
      this.states.list<OpenInterview>(tenantId, 'interview', { studentId }),
    ]);
    const view = views.get(studentId)!;
    const cohortId = view.progress.cohortId;
    const cohort = cohortId
      ? (await this.cohorts.list(actor)).find((c) => c.id === cohortId)
      : undefined;
    const labels = new Map<string, string>();
    for (const c of contacts) {
      if (c.state.status === 'none') continue;
      labels.set(
        c.aggregateId!,
        c.state.organization
          ? `${c.state.personal.name} (${c.state.organization})`
          : c.state.personal.name,
      );
    }
    const contactOf = new Map(interviews.map((i) => [i.aggregateId!, i.state.contactId]));
    const who = (item: FollowUpItem) => {
      const id = item.contactId ?? (item.interviewId ? contactOf.get(item.interviewId) : undefined);
      return id ? (labels.get(id) ?? null) : null;
    };
    return {
      studentId,
      name: record?.state.status === 'registered' ? record.state.personal.name : 'A student',
      cohortName: cohort?.name ?? null,
      summary: view.summary,
      risk: view.risk,
      followUps: [...view.followUps].sort(compareFollowUps).map((f) => ({ ...f, who: who(f) })),
    };
  }

  private async names(tenantId: string, studentIds: string[]): Promise<Map<string, string>> {
    if (studentIds.length === 0) return new Map();
    const records = await this.states.listByStudents<StudentState>(tenantId, 'student', studentIds);
    return new Map(
      records.map((r) => [
        r.aggregateId!,
        r.state.status === 'registered' ? r.state.personal.name : 'A student',
      ]),
    );
  }
}

function overdueOf(view: StudentView): number {
  return view.followUps.filter((f) => f.overdue).length;
}

function counts(views: StudentView[]) {
  return {
    students: views.length,
    atRisk: views.filter((v) => v.risk.score > 0).length,
    overdue: views.reduce((n, v) => n + overdueOf(v), 0),
    atTarget: views.filter((v) => v.summary.interviews.atTarget).length,
  };
}
