import { Injectable } from '@nestjs/common';
import {
  type CohortState,
  DomainError,
  type DomainEventType,
  onRoster,
  type StaffState,
  type StudentState,
  staffOnlyEventTypes,
  streamIds,
} from '@rapport/domain';
import type { Actor, Role } from '../auth/actor';
import { AuthError } from '../auth/auth.errors';
import { AggregateStatesRepository } from '../write/aggregate-states.repository';
import type { StateReader } from '../write/command-executor';
import { StateCache } from '../write/state-cache';

/** The students an actor may see now; every list of students is filtered through it. */
export interface VisibleStudents {
  has(studentId: string): boolean;
}

const EVERY_STUDENT: VisibleStudents = { has: () => true };
/** As long as an unwrapped data key may stay in memory (DATA_KEY_CACHE_MS's default). */
const ERASURE_HEARD_WITHIN_MS = 60_000;
const NO_EVENT_TYPES: readonly DomainEventType[] = [];

/**
 * Who may do what (docs/adr/0013-who-sees-which-student.md). Students read their own records and
 * write them while enrolled; advisors read the students currently on the roster of the cohorts
 * they are assigned to and keep notes on them; admins manage their institution, withdrawn students
 * included. Other tenants are invisible anyway: row-level security hides their rows.
 */
@Injectable()
export class AccessService {
  constructor(
    private readonly states: AggregateStatesRepository,
    private readonly cache: StateCache,
  ) {}

  requireRole(actor: Actor, ...roles: Role[]): void {
    if (!roles.includes(actor.role)) {
      throw AuthError.forbidden(`This needs the ${roles.join(' or ')} role; you are ${actor.role}`);
    }
  }

  /**
   * Per request: an advisor's or admin's token stops working once their staff member is
   * deactivated (docs/adr/0016). A subject naming no staff member (a development token) passes.
   */
  async assertActiveStaff(actor: Actor): Promise<void> {
    if (actor.role === 'student') return this.assertNotErased(actor);
    const staff = await this.states.find<StaffState>(
      actor.tenantId,
      streamIds.staff(actor.subject),
    );
    if (staff?.state.status === 'deactivated') {
      throw AuthError.unauthenticated(
        'This staff account was deactivated; ask an administrator of your institution',
      );
    }
  }

  /**
   * An erased student's tokens stop working at once too (docs/adr/0025). Their state as this
   * process read it in the last minute serves: every process forgets an institution's states
   * when it hears of an erasure there, and a process that missed the NOTIFY holds it no longer
   * than it would hold their data key (docs/adr/0028).
   */
  private async assertNotErased(actor: Actor): Promise<void> {
    if (!actor.studentId) return;
    const streamId = streamIds.student(actor.studentId);
    const student =
      this.cache.recent(actor.tenantId, streamId, ERASURE_HEARD_WITHIN_MS) ??
      (await this.states.find<StudentState>(actor.tenantId, streamId));
    const state = student?.state as StudentState | undefined;
    if (state?.status === 'registered' && state.erased)
      throw AuthError.unauthenticated('This account was erased');
  }

  /** The calling student's own id, for reading their own records (withdrawn students too). */
  ownStudentId(actor: Actor): string {
    this.requireRole(actor, 'student');
    return actor.studentId!;
  }

  /**
   * The calling student's own id, for recording something: only a student on their cohort's
   * roster now acts; a token naming a student never enrolled, or withdrawn, only reads.
   */
  async actingStudentId(
    actor: Actor,
    reads: StateReader = this.states.reader(actor.tenantId),
  ): Promise<string> {
    const studentId = this.ownStudentId(actor);
    const { state: student } = await reads.get<StudentState>(streamIds.student(studentId));
    const cohort =
      student.status === 'registered'
        ? (await reads.get<CohortState>(streamIds.cohort(student.cohortId))).state
        : null;
    if (!onRoster(student, cohort)) {
      throw AuthError.forbidden(
        'Only a student enrolled in a cohort records their journey; this student is not enrolled',
      );
    }
    return studentId;
  }

  /** A record of a student (contact, interview) that the caller writes: it must be their own. */
  async assertOwnRecord(
    actor: Actor,
    record: { studentId: string },
    reads?: StateReader,
  ): Promise<void> {
    if ((await this.actingStudentId(actor, reads)) !== record.studentId)
      throw AuthError.forbidden('This record belongs to another student');
  }

  /** An address not confirmed yet is the student's and their admins' business only. */
  seesPendingEmail(actor: Actor, studentId: string): boolean {
    return actor.role === 'admin' || (actor.role === 'student' && actor.studentId === studentId);
  }

  async assertCanReadStudent(actor: Actor, studentId: string): Promise<void> {
    switch (actor.role) {
      case 'admin':
        if (!(await this.states.find(actor.tenantId, streamIds.student(studentId)))) {
          throw DomainError.notFound(`Student ${studentId} does not exist`, 'studentId');
        }
        return;
      case 'student':
        if (actor.studentId !== studentId)
          throw AuthError.forbidden('Students only see their own records');
        return;
      case 'advisor':
        if (!(await this.states.advises(actor.tenantId, actor.subject, studentId))) {
          throw AuthError.forbidden('You advise no cohort this student is enrolled in');
        }
        return;
      default: {
        const _exhaustive: never = actor.role;
        return _exhaustive;
      }
    }
  }

  /**
   * The students the actor may see now, optionally within one cohort: the same rule as
   * `assertCanReadStudent`, for lists. A list computed as of an earlier instant is filtered by it
   * too, so time travel never brings back a student who has since left an advisor's cohort.
   */
  async visibleStudents(actor: Actor, cohortId?: string): Promise<VisibleStudents> {
    switch (actor.role) {
      case 'admin':
        return EVERY_STUDENT;
      case 'student':
        return new Set([actor.studentId!]);
      case 'advisor': {
        const cohorts = cohortId
          ? [await this.states.find<CohortState>(actor.tenantId, streamIds.cohort(cohortId))]
          : await this.states.list<CohortState>(actor.tenantId, 'cohort');
        const visible = new Set<string>();
        for (const cohort of cohorts) {
          if (cohort?.state.status !== 'active') continue;
          if (!cohort.state.advisorIds.includes(actor.subject)) continue;
          for (const studentId of cohort.state.students.keys()) visible.add(studentId);
        }
        return visible;
      }
      default: {
        const _exhaustive: never = actor.role;
        return _exhaustive;
      }
    }
  }

  /** Event types of a student's activity the actor may not know of: notes staff keep on them. */
  hiddenActivity(actor: Actor): readonly DomainEventType[] {
    return actor.role === 'student' ? staffOnlyEventTypes : NO_EVENT_TYPES;
  }
}
