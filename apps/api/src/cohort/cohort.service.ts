import { Injectable } from '@nestjs/common';
import {
  checkAssignableStaff,
  cleanEnrollmentRow,
  type CohortState,
  DomainError,
  type EnrollmentRow,
  planEnrollment,
  joinCohortOnEnrollment,
  leaveCohortOnWithdrawal,
  registerStudentOnEnrollment,
  type StaffState,
  type StudentEnrolled,
  type StudentState,
  streamIds,
  welcomesNewStudents,
  withdrawOnLeaving,
} from '@rapport/domain';
import { Database, type Tx } from '@rapport/event-store';
import { AccessService } from '../access/access.service';
import type { Actor } from '../auth/actor';
import { AuthError } from '../auth/auth.errors';
import { newId } from '../common/ids';
import { StudentRecordsRepository } from '../student/student-records.repository';
import {
  AggregateStatesRepository,
  type StoredAggregate,
} from '../write/aggregate-states.repository';
import type { CommandContext } from '../write/command-context';
import { CommandExecutor } from '../write/command-executor';
import type {
  AssignAdvisorInput,
  CreateCohortInput,
  EnrollStudentsInput,
  UnassignAdvisorInput,
  UpdateCohortInput,
  WithdrawStudentInput,
} from './dto/cohort.inputs';
import type { AcceptedEnrollment, Cohort, RejectedEnrollment } from './dto/cohort.model';
import { WelcomeMail } from './welcome-mail.service';

type ActiveCohort = Extract<CohortState, { status: 'active' }>;

/** An upload through GraphQL or a roster file: the optional columns may be null or absent. */
export interface EnrollRequest extends Pick<EnrollStudentsInput, 'cohortId' | 'expectedVersion'> {
  rows: {
    name: string;
    email: string;
    externalId?: string | null;
    program?: string | null;
    graduationYear?: number | null;
  }[];
}

export interface EnrollmentReport {
  cohort: Cohort;
  accepted: AcceptedEnrollment[];
  rejected: RejectedEnrollment[];
}

/** Admins run cohorts; advisors see the cohorts they are assigned to, students their own. */
@Injectable()
export class CohortService {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly states: AggregateStatesRepository,
    private readonly access: AccessService,
    private readonly database: Database,
    private readonly welcome: WelcomeMail,
    private readonly studentRecords: StudentRecordsRepository,
  ) {}

  async create(context: CommandContext, input: CreateCohortInput): Promise<Cohort> {
    this.access.requireRole(context.actor, 'admin');
    const cohortId = newId(context, 'cohort');
    const result = await this.executor.execute<CohortState>(
      context,
      {
        type: 'CreateCohort',
        data: {
          cohortId,
          name: input.name,
          term: input.term,
          startDate: input.startDate,
          endDate: input.endDate,
          interviewTargetOverride: input.interviewTargetOverride ?? null,
          welcomeEmails: input.welcomeEmails ?? true,
          at: context.now.toISOString(),
        },
      },
      { expectedVersion: input.expectedVersion },
    );
    return toCohort(context.actor, cohortId, result.state, result.version);
  }

  async update(context: CommandContext, input: UpdateCohortInput): Promise<Cohort> {
    this.access.requireRole(context.actor, 'admin');
    const { cohortId, expectedVersion, clientMutationId: _, ...changes } = input;
    const result = await this.executor.execute<CohortState>(
      context,
      {
        type: 'UpdateCohort',
        data: {
          cohortId,
          // GraphQL sends null for "not given" too; only the override may be cleared with it.
          name: changes.name ?? undefined,
          term: changes.term ?? undefined,
          startDate: changes.startDate ?? undefined,
          endDate: changes.endDate ?? undefined,
          interviewTargetOverride: changes.interviewTargetOverride,
          welcomeEmails: changes.welcomeEmails ?? undefined,
          at: context.now.toISOString(),
        },
      },
      { expectedVersion },
    );
    return toCohort(context.actor, cohortId, result.state, result.version);
  }

  /** The advisor is a staff member, invited or active; the cohort's stream cannot see staff. */
  async assignAdvisor(context: CommandContext, input: AssignAdvisorInput): Promise<Cohort> {
    this.access.requireRole(context.actor, 'admin');
    const staff = await this.states.find<StaffState>(
      context.actor.tenantId,
      streamIds.staff(input.advisorId),
    );
    const notAssignable = checkAssignableStaff(staff?.state);
    if (notAssignable) throw notAssignable;
    const result = await this.executor.execute<CohortState>(
      context,
      {
        type: 'AssignAdvisor',
        data: {
          cohortId: input.cohortId,
          advisorId: input.advisorId,
          at: context.now.toISOString(),
        },
      },
      { expectedVersion: input.expectedVersion },
    );
    return toCohort(context.actor, input.cohortId, result.state, result.version);
  }

  async unassignAdvisor(context: CommandContext, input: UnassignAdvisorInput): Promise<Cohort> {
    this.access.requireRole(context.actor, 'admin');
    const result = await this.executor.execute<CohortState>(
      context,
      {
        type: 'UnassignAdvisor',
        data: {
          cohortId: input.cohortId,
          advisorId: input.advisorId,
          at: context.now.toISOString(),
        },
      },
      { expectedVersion: input.expectedVersion },
    );
    return toCohort(context.actor, input.cohortId, result.state, result.version);
  }

  /**
   * A roster upload. The cohort's StudentEnrolled events and each student's own stream commit
   * together: no student is enrolled without a record, nor registered without a cohort. A row
   * naming a student the institution already has (by email, or by external id) enrols that
   * student: they join this cohort and leave the one they were on (docs/adr/0019).
   */
  async enroll(context: CommandContext, input: EnrollRequest): Promise<EnrollmentReport> {
    this.access.requireRole(context.actor, 'admin');
    const given = input.rows.map((row) =>
      cleanEnrollmentRow({
        studentId: '',
        name: row.name,
        email: row.email,
        ...(row.externalId == null ? {} : { externalId: row.externalId }),
      }),
    );
    return this.executor.transaction(context.actor.tenantId, async (tx) => {
      const known = await this.studentRecords.studentsNamed(
        tx,
        given.map((row) => row.email),
        given.flatMap((row) => row.externalId ?? []),
      );
      const byEmail = new Map(known.map((k) => [k.email, k.studentId]));
      const byExternalId = new Map(
        known.flatMap((k) => (k.externalId === null ? [] : [[k.externalId, k.studentId]])),
      );
      const named = given.map((row) => ({
        byEmail: byEmail.get(row.email),
        byExternalId: row.externalId === undefined ? undefined : byExternalId.get(row.externalId),
      }));
      // Ids of new students derive from the clientMutationId: a retry lands on the same streams.
      const rows: EnrollmentRow[] = input.rows.map((row, index) => ({
        studentId:
          named[index].byEmail ?? named[index].byExternalId ?? newId(context, `student-${index}`),
        name: row.name,
        email: row.email,
        // GraphQL may send null for an optional field; the domain knows only "absent".
        ...(row.externalId == null ? {} : { externalId: row.externalId }),
        ...(row.program == null ? {} : { program: row.program }),
        ...(row.graduationYear == null ? {} : { graduationYear: row.graduationYear }),
      }));
      // The email names one student and the external id another: no cohort decider sees that.
      const taken = (i: number) =>
        named[i].byEmail !== undefined &&
        named[i].byExternalId !== undefined &&
        named[i].byEmail !== named[i].byExternalId;
      const decidedAt = rows.flatMap((_, i) => (taken(i) ? [] : [i]));
      const decided = decidedAt.map((i) => rows[i]);
      const result = await this.executor.execute<CohortState>(
        context,
        {
          type: 'EnrollStudents',
          data: { cohortId: input.cohortId, rows: decided, at: context.now.toISOString() },
        },
        { expectedVersion: input.expectedVersion, tx },
      );
      const returning = new Set(known.map((k) => k.studentId));
      for (const event of result.events) {
        if (event.type !== 'StudentEnrolled') continue;
        if (returning.has(event.data.studentId)) await this.join(context, tx, event);
        else await this.executor.execute(context, registerStudentOnEnrollment(event), { tx });
      }
      const cohort = activeOrNotFound(input.cohortId, result.state);
      await this.welcome.queue(tx, cohort, result.events);
      // Planned against the roster as it was before this upload (without its own students),
      // so a replayed retry reports the same rows as the first attempt did.
      const own = new Set(
        result.replayed
          ? decided.map((row) => row.studentId)
          : result.events.flatMap((e) => (e.type === 'StudentEnrolled' ? [e.data.studentId] : [])),
      );
      const before = new Map([...cohort.students].filter(([id]) => !own.has(id)));
      const plan = planEnrollment(decided, before);
      if (plan instanceof DomainError) throw plan;
      // Plan rows index the decided rows; the caller knows the rows it sent.
      const setAside = rows.flatMap((row, i) =>
        taken(i) ? [{ row: i, email: row.email.trim(), reason: 'EXTERNAL_ID_TAKEN' as const }] : [],
      );
      return {
        cohort: toCohort(context.actor, input.cohortId, cohort, result.version),
        accepted: plan.accepted.map((a) => ({ ...a, row: decidedAt[a.row] })),
        rejected: [
          ...plan.rejected.map((r) => ({ ...r, row: decidedAt[r.row] })),
          ...setAside,
        ].sort((a, b) => a.row - b.row),
      };
    });
  }

  /** A returning student joins the cohort and leaves the roster they were still on. */
  private async join(context: CommandContext, tx: Tx, enrolled: StudentEnrolled): Promise<void> {
    const joined = await this.executor.execute(context, joinCohortOnEnrollment(enrolled), { tx });
    // Without the mutation id: one upload may move several students out of the same cohort.
    const { clientMutationId: _, ...once } = context;
    for (const left of joined.events) {
      if (left.type !== 'StudentLeftCohort') continue;
      // A student state stored before stays were kept may name a cohort they already left.
      const earlier = await this.executor.load<CohortState>(
        context.actor.tenantId,
        streamIds.cohort(left.data.cohortId),
        tx,
      );
      if (earlier.state.status === 'active' && earlier.state.students.has(left.data.studentId))
        await this.executor.execute(once, withdrawOnLeaving(left), { tx });
    }
  }

  /** The cohort's roster and the student's own stream record the withdrawal together. */
  async withdrawStudent(context: CommandContext, input: WithdrawStudentInput): Promise<Cohort> {
    this.access.requireRole(context.actor, 'admin');
    return this.executor.transaction(context.actor.tenantId, async (tx) => {
      const result = await this.executor.execute<CohortState>(
        context,
        {
          type: 'WithdrawStudent',
          data: {
            cohortId: input.cohortId,
            studentId: input.studentId,
            at: context.now.toISOString(),
          },
        },
        { expectedVersion: input.expectedVersion, tx },
      );
      for (const event of result.events) {
        if (event.type === 'StudentWithdrawn')
          await this.executor.execute(context, leaveCohortOnWithdrawal(event), { tx });
      }
      return toCohort(context.actor, input.cohortId, result.state, result.version);
    });
  }

  async get(actor: Actor, cohortId: string): Promise<Cohort> {
    const stored = await this.states.find<CohortState>(actor.tenantId, streamIds.cohort(cohortId));
    const cohort = activeOrNotFound(cohortId, stored?.state);
    switch (actor.role) {
      case 'admin':
        break;
      case 'advisor':
        if (!cohort.advisorIds.includes(actor.subject))
          throw AuthError.forbidden('You are not assigned to this cohort');
        break;
      case 'student':
        if (!cohort.students.has(actor.studentId!))
          throw AuthError.forbidden('Students only see the cohort they are enrolled in');
        break;
      default: {
        const _exhaustive: never = actor.role;
        return _exhaustive;
      }
    }
    return toCohort(actor, cohortId, cohort, stored!.version);
  }

  async list(actor: Actor): Promise<Cohort[]> {
    if (actor.role === 'student') return this.ownCohorts(actor);
    const stored = await this.states.list<CohortState>(actor.tenantId, 'cohort');
    return stored
      .filter((s): s is StoredAggregate<ActiveCohort> => s.state.status === 'active')
      .filter((s) => actor.role === 'admin' || s.state.advisorIds.includes(actor.subject))
      .map((s) => toCohort(actor, s.aggregateId!, s.state, s.version));
  }

  /** The cohort a student is currently enrolled in, if any. */
  private async ownCohorts(actor: Actor): Promise<Cohort[]> {
    const student = await this.states.find<StudentState>(
      actor.tenantId,
      streamIds.student(actor.studentId!),
    );
    if (!student || student.state.status !== 'registered') return [];
    const { cohortId } = student.state;
    const cohort = await this.states.find<CohortState>(actor.tenantId, streamIds.cohort(cohortId));
    if (cohort?.state.status !== 'active' || !cohort.state.students.has(actor.studentId!))
      return [];
    return [toCohort(actor, cohortId, cohort.state, cohort.version)];
  }
}

function activeOrNotFound(cohortId: string, state: CohortState | undefined): ActiveCohort {
  if (state?.status !== 'active')
    throw DomainError.notFound(`Cohort ${cohortId} does not exist`, 'cohortId');
  return state;
}

/** The cohort as the caller may see it: students get no roster. */
export function toCohort(
  actor: Actor,
  cohortId: string,
  state: CohortState,
  version: number,
): Cohort {
  const cohort = activeOrNotFound(cohortId, state);
  return {
    id: cohortId,
    name: cohort.name,
    term: cohort.term,
    startDate: cohort.startDate,
    endDate: cohort.endDate,
    interviewTargetOverride: cohort.interviewTargetOverride,
    welcomeEmails: welcomesNewStudents(cohort),
    advisorIds: [...cohort.advisorIds],
    studentIds: actor.role === 'student' ? null : [...cohort.students.keys()],
    enrolledCount: cohort.students.size,
    version,
  };
}
