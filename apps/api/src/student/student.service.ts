import { Injectable } from '@nestjs/common';
import {
  type CorrectStudentRecord,
  enrolmentsOf,
  DomainError,
  isDomainError,
  type StudentState,
  streamIds,
} from '@rapport/domain';
import { Database } from '@rapport/event-store';
import { AccessService } from '../access/access.service';
import type { Actor } from '../auth/actor';
import { newId } from '../common/ids';
import { EmailChangeService } from '../email-change/email-change.service';
import { AggregateStatesRepository } from '../write/aggregate-states.repository';
import type { CommandContext } from '../write/command-context';
import { CommandExecutor } from '../write/command-executor';
import type { SetDigestPreferenceInput, UpdateStudentProfileInput } from './dto/student.inputs';
import type { Me, Student } from './dto/student.model';

@Injectable()
export class StudentService {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly states: AggregateStatesRepository,
    private readonly access: AccessService,
    private readonly emailChanges: EmailChangeService,
    private readonly database: Database,
  ) {}

  /**
   * An admin's corrections of students' records (a roster file), committed together. Each
   * answers whether it changed the record, or the domain's reason for refusing it.
   */
  async correctRecords(
    context: CommandContext,
    corrections: readonly Omit<CorrectStudentRecord['data'], 'at'>[],
  ): Promise<('updated' | 'unchanged' | DomainError)[]> {
    this.access.requireRole(context.actor, 'admin');
    return this.executor.transaction(context.actor.tenantId, async (tx) => {
      const outcomes: ('updated' | 'unchanged' | DomainError)[] = [];
      for (const correction of corrections) {
        try {
          const result = await this.executor.execute(
            context,
            {
              type: 'CorrectStudentRecord',
              data: { ...correction, at: context.now.toISOString() },
            },
            { tx },
          );
          outcomes.push(result.events.length > 0 ? 'updated' : 'unchanged');
        } catch (error) {
          // Refused before anything was appended, so the transaction carries on.
          if (!isDomainError(error)) throw error;
          outcomes.push(error);
        }
      }
      return outcomes;
    });
  }

  /**
   * Students change only their own profile; enrolment by an admin created it. A new email is
   * only requested: it takes effect when confirmed from the message sent to it.
   */
  async updateProfile(context: CommandContext, input: UpdateStudentProfileInput): Promise<Student> {
    const studentId = await this.access.actingStudentId(context.actor);
    const { name, email } = input;
    const result = await this.emailChanges.updateProfile(
      context,
      {
        type: 'UpdateStudentProfile',
        data: {
          studentId,
          ...(input.careerInterests ? { careerInterests: input.careerInterests } : {}),
          ...(name != null || email != null
            ? { personal: { name: name ?? undefined, email: email ?? undefined } }
            : {}),
          emailChangeRequestId: newId(context, 'email-change'),
          at: context.now.toISOString(),
        },
      },
      input.expectedVersion,
    );
    return toStudent(studentId, result.state, result.version);
  }

  pendingEmail(actor: Actor, student: Student): string | null {
    return this.access.seesPendingEmail(actor, student.id) ? student.pendingEmail : null;
  }

  async setDigestPreference(
    context: CommandContext,
    input: SetDigestPreferenceInput,
  ): Promise<Student> {
    const studentId = await this.access.actingStudentId(context.actor);
    const result = await this.executor.execute<StudentState>(
      context,
      {
        type: 'SetDigestPreference',
        data: { studentId, preference: input.preference, at: context.now.toISOString() },
      },
      { expectedVersion: input.expectedVersion },
    );
    return toStudent(studentId, result.state, result.version);
  }

  async get(actor: Actor, studentId: string): Promise<Student> {
    // Existence first: another tenant's ids are NOT_FOUND for every role, as RLS hides them.
    const stored = await this.states.find<StudentState>(
      actor.tenantId,
      streamIds.student(studentId),
    );
    if (!stored) throw notFound(studentId);
    await this.access.assertCanReadStudent(actor, studentId);
    return toStudent(studentId, stored.state, stored.version);
  }

  async me(actor: Actor): Promise<Me> {
    const student =
      actor.role === 'student' && actor.studentId
        ? await this.states.find<StudentState>(actor.tenantId, streamIds.student(actor.studentId))
        : null;
    return {
      subject: actor.subject,
      role: actor.role,
      tenantId: actor.tenantId,
      // A token may name a student whose record does not exist (yet): no record, not an error.
      student:
        student && student.state.status === 'registered'
          ? toStudent(actor.studentId!, student.state, student.version)
          : null,
    };
  }
}

export function toStudent(studentId: string, state: StudentState, version: number): Student {
  if (state.status !== 'registered') throw notFound(studentId);
  return {
    id: studentId,
    cohortId: state.cohortId,
    enrolments: enrolmentsOf(state).map((e) => ({
      cohortId: e.cohortId,
      from: e.from === null ? null : new Date(e.from),
      to: e.to === null ? null : new Date(e.to),
    })),
    name: state.personal.name,
    email: state.personal.email,
    pendingEmail: state.pendingEmailChange?.email ?? null,
    externalId: state.personal.externalId ?? null,
    program: state.program ?? null,
    graduationYear: state.graduationYear ?? null,
    careerInterests: [...state.careerInterests],
    digestPreference: state.digestPreference,
    version,
  };
}

function notFound(studentId: string): DomainError {
  return DomainError.notFound(`Student ${studentId} does not exist`, 'studentId');
}
