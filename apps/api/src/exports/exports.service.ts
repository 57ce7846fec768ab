import { Injectable } from '@nestjs/common';
import {
  type CohortDashboard,
  describeEvent,
  type DomainEvent,
  DomainError,
  eventSchemaVersions,
  type StudentState,
  streamIds,
  type TimelineEntry,
} from '@rapport/domain';
import { EventStore } from '@rapport/event-store';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { AccessService } from '../access/access.service';
import type { Actor } from '../auth/actor';
import { AuthError } from '../auth/auth.errors';
import { CohortService } from '../cohort/cohort.service';
import type { Cohort } from '../cohort/dto/cohort.model';
import { ContactService } from '../contact/contact.service';
import type { Contact } from '../contact/dto/contact.model';
import type { Interview } from '../interview/dto/interview.model';
import { InterviewService } from '../interview/interview.service';
import { ProgressRepository } from '../progress/progress.repository';
import { ProgressService, type StudentView } from '../progress/progress.service';
import type { Student } from '../student/dto/student.model';
import { StudentService, toStudent } from '../student/student.service';
import { AggregateStatesRepository } from '../write/aggregate-states.repository';
import { type CsvValue, csvLines } from './csv.util';
import type { Download } from './download';

const CSV = 'text/csv; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';
const TIMELINE_PAGE = 500;

// An instant with a date, a time and an explicit offset: `2026-11-20` alone is ambiguous.
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export const COHORT_STUDENT_COLUMNS = [
  'student_id',
  'name',
  'email',
  'stage',
  'contacts',
  'requests_sent',
  'requests_accepted',
  'requests_declined',
  'requests_unanswered',
  'interviews_held',
  'target',
  'thank_yous_sent',
  'thank_yous_within_window',
  'referrals_received',
  'referrals_contacted',
  'touchpoints',
  'last_activity_at',
  'overdue_follow_ups',
  'risk_score',
  'risk_reasons',
] as const;

/** Everything a student may take away about themselves. */
export interface MyDataExport {
  exportedAt: string;
  profile: Student;
  contacts: Contact[];
  interviews: Interview[];
  progress: StudentView['summary'];
  followUps: StudentView['followUps'];
  timeline: TimelineEntry[];
}

/**
 * File exports: cohort tables for the staff who run the cohort, and a student's own data for
 * that student. Authorization happens before anything is sent, so a refusal is a clean JSON
 * error and never half a file.
 */
@Injectable()
export class ExportsService {
  constructor(
    private readonly cohorts: CohortService,
    private readonly progress: ProgressService,
    private readonly activity: ProgressRepository,
    private readonly students: StudentService,
    private readonly contacts: ContactService,
    private readonly interviews: InterviewService,
    private readonly states: AggregateStatesRepository,
    private readonly access: AccessService,
    private readonly store: EventStore,
  ) {}

  /** One row per enrolled student (at `asOf` if given), sorted by name. */
  async cohortStudentsCsv(actor: Actor, cohortId: string, asOfParam: unknown): Promise<Download> {
    const { cohort, asOf } = await this.staffCohort(actor, cohortId, asOfParam);
    const views = await this.progress.cohortStudentViews(actor, cohortId, asOf);
    // By id: a student who has since moved to another cohort is listed as of their stay here.
    const records = await this.states.listByStudents<StudentState>(
      actor.tenantId,
      'student',
      views.map((v) => v.studentId),
    );
    const students = new Map(
      records.map((r) => [r.aggregateId!, toStudent(r.aggregateId!, r.state, r.version)]),
    );
    const rows = views
      .filter((v) => students.has(v.studentId))
      .map((v) => ({ view: v, student: students.get(v.studentId)! }))
      .sort(
        (a, b) =>
          a.student.name.localeCompare(b.student.name) || a.student.id.localeCompare(b.student.id),
      );
    return {
      filename: `cohort-${slug(cohort.name)}-${dayOf(asOf)}.csv`,
      contentType: CSV,
      body: Readable.from(
        csvLines(
          COHORT_STUDENT_COLUMNS,
          map(rows, ({ view, student }) => studentRow(student, view)),
        ),
      ),
    };
  }

  /** The cohort dashboard flattened to `section,key,value` rows. */
  async cohortDashboardCsv(actor: Actor, cohortId: string, asOfParam: unknown): Promise<Download> {
    const { cohort, asOf } = await this.staffCohort(actor, cohortId, asOfParam);
    const dashboard = await this.progress.cohortDashboard(actor, cohortId, asOf);
    return {
      filename: `cohort-${slug(cohort.name)}-dashboard-${dayOf(asOf)}.csv`,
      contentType: CSV,
      body: Readable.from(csvLines(['section', 'key', 'value'], dashboardRows(dashboard))),
    };
  }

  /** The calling student's own records, progress and timeline; never advisor notes. */
  async myDataJson(actor: Actor): Promise<Download> {
    const studentId = this.access.ownStudentId(actor);
    return this.studentDataJson(actor, studentId, 'rapport-me.json');
  }

  /**
   * Admins: any one student's data, exactly the document the student gets for themselves.
   * Advisors are refused (a full export is the institution's act, not a cohort's); unknown and
   * other institutions' ids are NOT_FOUND.
   */
  async studentDataJsonForAdmin(actor: Actor, studentId: string): Promise<Download> {
    this.access.requireRole(actor, 'admin');
    await this.access.assertCanReadStudent(actor, studentId);
    return this.studentDataJson(actor, studentId, `rapport-student-${slug(studentId)}.json`);
  }

  /**
   * The one builder of a student's data export: read as the student would read it (so an
   * admin's copy is theirs, without staff-only records), then recorded on the student stream
   * as `StudentDataExported` with the caller in the metadata before a byte is sent.
   */
  private async studentDataJson(
    caller: Actor,
    studentId: string,
    filename: string,
  ): Promise<Download> {
    const reader: Actor = { ...caller, role: 'student', studentId };
    const [profile, contacts, interviews, views, timeline] = await Promise.all([
      this.students.get(reader, studentId),
      this.contacts.listForStudent(reader, studentId),
      this.interviews.listForStudent(reader, studentId),
      this.progress.studentViews(reader, [studentId]),
      this.timeline(reader, studentId),
    ]);
    const view = views.get(studentId)!;
    const exportedAt = new Date();
    const data: MyDataExport = {
      exportedAt: exportedAt.toISOString(),
      profile,
      contacts,
      interviews,
      progress: view.summary,
      followUps: view.followUps,
      timeline,
    };
    await this.recordExport(caller, studentId, exportedAt);
    return { filename, contentType: JSON_TYPE, body: JSON.stringify(data, null, 2) };
  }

  /** Every JSON export is in the audit log: who took whose data, and when (ids only). */
  private async recordExport(caller: Actor, studentId: string, at: Date): Promise<void> {
    await this.store.append(caller.tenantId, streamIds.student(studentId), [
      {
        type: 'StudentDataExported',
        data: { studentId, at: at.toISOString() },
        schemaVersion: eventSchemaVersions.StudentDataExported,
        metadata: {
          correlationId: randomUUID(),
          actorId: caller.subject,
          actorRole: caller.role,
        },
      },
    ]);
  }

  /** Cohort exports are for its advisors and admins; students never get the roster's data. */
  private async staffCohort(
    actor: Actor,
    cohortId: string,
    asOfParam: unknown,
  ): Promise<{ cohort: Cohort; asOf: Date | undefined }> {
    if (actor.role === 'student')
      throw AuthError.forbidden('Cohort exports are for advisors and admins');
    const asOf = parseAsOf(asOfParam);
    // Unknown and other-tenant ids are NOT_FOUND; an unassigned advisor is FORBIDDEN.
    const cohort = await this.cohorts.get(actor, cohortId);
    return { cohort, asOf };
  }

  /** Every timeline entry of the student may know of, newest first, read page by page. */
  private async timeline(actor: Actor, studentId: string): Promise<TimelineEntry[]> {
    const entries: TimelineEntry[] = [];
    let after: { at: string; position: number } | null = null;
    for (;;) {
      const { rows } = await this.activity.activity(
        actor.tenantId,
        studentId,
        TIMELINE_PAGE,
        after,
        // Notes are staff's own record about the student: not even their existence is exported.
        this.access.hiddenActivity(actor),
      );
      for (const row of rows) {
        entries.push(
          describeEvent(
            { type: row.event_type, data: row.data } as DomainEvent,
            row.actor_id ? { id: row.actor_id, role: row.actor_role ?? 'unknown' } : null,
          ),
        );
      }
      if (rows.length < TIMELINE_PAGE) return entries;
      const last = rows[rows.length - 1];
      after = { at: last.occurred_at.toISOString(), position: Number(last.global_position) };
    }
  }
}

function studentRow(student: Student, view: StudentView): CsvValue[] {
  const { summary, followUps, risk } = view;
  return [
    student.id,
    student.name,
    student.email,
    summary.stage,
    summary.contacts.total,
    summary.requests.sent,
    summary.requests.accepted,
    summary.requests.declined,
    summary.requests.unanswered,
    summary.interviews.held,
    summary.interviews.target,
    summary.thankYous.sent,
    summary.thankYous.withinWindow,
    summary.referrals.received,
    summary.referrals.contacted,
    summary.touchpoints.total,
    summary.lastActivityAt,
    followUps.filter((f) => f.overdue).length,
    risk.score,
    risk.reasons.join('; '),
  ];
}

function* dashboardRows(d: CohortDashboard): Generator<CsvValue[]> {
  yield ['cohort', 'cohort_id', d.cohortId];
  yield ['cohort', 'as_of', d.asOf];
  yield ['cohort', 'students', d.students];
  yield ['cohort', 'withdrawn', d.withdrawn];
  for (const stage of d.funnel) {
    yield ['funnel', `${stage.stage}.count`, stage.count];
    yield ['funnel', `${stage.stage}.conversion_from_previous`, stage.conversionFromPrevious];
    yield ['funnel', `${stage.stage}.median_days_from_previous`, stage.medianDaysFromPrevious];
  }
  yield ['funnel', 'held_without_request', d.heldWithoutRequest];
  yield ['at_target', 'target', d.atTarget.target];
  yield ['at_target', 'students', d.atTarget.students];
  yield ['at_target', 'share', d.atTarget.share];
  yield ['follow_ups', 'overdue', d.overdueFollowUps];
  yield ['thank_you_sla', 'decided', d.thankYouSla.decided];
  yield ['thank_you_sla', 'breached', d.thankYouSla.breached];
  yield ['thank_you_sla', 'breach_rate', d.thankYouSla.breachRate];
  // Industries are typed in by students: the CSV writer guards them like any other text.
  for (const { industry, contacts } of d.industryMix) yield ['industry_mix', industry, contacts];
  for (const week of d.weeklyActivity) {
    for (const [kind, count] of Object.entries(week.counts))
      yield ['weekly_activity', `${week.week}.${kind}`, count];
  }
}

/** `?asOf=` absent, or one ISO-8601 instant with an offset; anything else is a bad request. */
export function parseAsOf(value: unknown): Date | undefined {
  if (value === undefined) return undefined;
  const instant = typeof value === 'string' && ISO_INSTANT.test(value) ? new Date(value) : null;
  if (!instant || Number.isNaN(instant.getTime()))
    throw DomainError.validation(
      'asOf must be an ISO-8601 instant such as 2026-11-20T00:00:00Z',
      'asOf',
    );
  return instant;
}

/** `Tech & Business Pathways` → `tech-business-pathways`: safe in a quoted header value. */
export function slug(name: string): string {
  const ascii = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return ascii || 'cohort';
}

function dayOf(asOf: Date | undefined): string {
  return (asOf ?? new Date()).toISOString().slice(0, 10);
}

function* map<T, U>(items: Iterable<T>, f: (item: T) => U): Generator<U> {
  for (const item of items) yield f(item);
}
