import { Injectable } from '@nestjs/common';
import { DomainError, streamIds } from '@rapport/domain';
import type { Actor, Role } from '../auth/actor';
import { AuthError } from '../auth/auth.errors';
import { AggregateStatesRepository } from '../write/aggregate-states.repository';

/**
 * Who may do what. Students read and write their own records; advisors read students of the
 * cohorts they are assigned to and keep notes on them; admins manage their institution.
 * Other tenants are invisible anyway: row-level security hides their rows.
 */
@Injectable()
export class AccessService {
  constructor(private readonly states: AggregateStatesRepository) {}

  requireRole(actor: Actor, ...roles: Role[]): void {
    if (!roles.includes(actor.role)) {
      throw AuthError.forbidden(`This needs the ${roles.join(' or ')} role; you are ${actor.role}`);
    }
  }

  /** The calling student's own id; only students record their own journey. */
  ownStudentId(actor: Actor): string {
    this.requireRole(actor, 'student');
    return actor.studentId!;
  }

  /** A record of a student (contact, interview) that the caller writes: it must be their own. */
  assertOwnRecord(actor: Actor, record: { studentId: string }): void {
    if (this.ownStudentId(actor) !== record.studentId)
      throw AuthError.forbidden('This record belongs to another student');
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
}
