import { Injectable } from '@nestjs/common';
import {
  type AdvisorNotesCommand,
  type AdvisorNotesState,
  DomainError,
  type StaffRole,
  streamIds,
} from '@rapport/domain';
import { AccessService } from '../access/access.service';
import type { Actor } from '../auth/actor';
import { newId } from '../common/ids';
import { AggregateStatesRepository } from '../write/aggregate-states.repository';
import type { CommandContext } from '../write/command-context';
import { CommandExecutor } from '../write/command-executor';
import type {
  AddAdvisorNoteInput,
  EditAdvisorNoteInput,
  RetractAdvisorNoteInput,
} from './dto/advisor-note.inputs';
import type { AdvisorNote } from './dto/advisor-note.model';

/**
 * Notes staff keep on a student: advisors of the student's cohort and admins read and add
 * them; only a note's author edits it, and its author or an admin retracts it (the decider's
 * rule). The student never sees them.
 */
@Injectable()
export class AdvisorNoteService {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly states: AggregateStatesRepository,
    private readonly access: AccessService,
  ) {}

  async add(context: CommandContext, input: AddAdvisorNoteInput): Promise<AdvisorNote> {
    const noteId = newId(context, 'advisor-note');
    return this.run(context, input.studentId, input.expectedVersion, (staff) => ({
      type: 'AddAdvisorNote',
      data: { ...staff, noteId, personal: { text: input.text } },
    }));
  }

  async edit(context: CommandContext, input: EditAdvisorNoteInput): Promise<AdvisorNote> {
    return this.run(context, input.studentId, input.expectedVersion, (staff) => ({
      type: 'EditAdvisorNote',
      data: { ...staff, noteId: input.noteId, personal: { text: input.text } },
    }));
  }

  async retract(context: CommandContext, input: RetractAdvisorNoteInput): Promise<AdvisorNote> {
    return this.run(context, input.studentId, input.expectedVersion, (staff) => ({
      type: 'RetractAdvisorNote',
      data: { ...staff, noteId: input.noteId },
    }));
  }

  /** The live notes on a student, oldest first. */
  async listForStudent(actor: Actor, studentId: string): Promise<AdvisorNote[]> {
    await this.assertStaffOf(actor, studentId);
    const stored = await this.states.find<AdvisorNotesState>(
      actor.tenantId,
      streamIds.advisorNotes(studentId),
    );
    if (!stored) return [];
    return [...stored.state.notes.values()]
      .filter((note) => !note.retracted)
      .sort((a, b) => a.addedAt.localeCompare(b.addedAt))
      .map((note) => toAdvisorNote(studentId, stored.state, note.noteId, stored.version));
  }

  /** Who acts, in which role, is data for the decider: it decides whose note is whose. */
  private async run(
    context: CommandContext,
    studentId: string,
    expectedVersion: number | undefined,
    command: (staff: StaffTarget) => AdvisorNotesCommand,
  ): Promise<AdvisorNote> {
    const role = await this.assertStaffOf(context.actor, studentId);
    const issued = command({
      studentId,
      advisorId: context.actor.subject,
      role,
      at: context.now.toISOString(),
    });
    const result = await this.executor.execute<AdvisorNotesState>(context, issued, {
      expectedVersion,
    });
    return toAdvisorNote(studentId, result.state, issued.data.noteId, result.version);
  }

  /** Admins, and advisors of a cohort the student is in; students are refused outright. */
  private async assertStaffOf(actor: Actor, studentId: string): Promise<StaffRole> {
    this.access.requireRole(actor, 'advisor', 'admin');
    // Existence first: another tenant's students are NOT_FOUND, not FORBIDDEN, to advisors too.
    if (!(await this.states.find(actor.tenantId, streamIds.student(studentId))))
      throw DomainError.notFound(`Student ${studentId} does not exist`, 'studentId');
    await this.access.assertCanReadStudent(actor, studentId);
    return actor.role as StaffRole;
  }
}

interface StaffTarget {
  studentId: string;
  advisorId: string;
  role: StaffRole;
  at: string;
}

export function toAdvisorNote(
  studentId: string,
  state: AdvisorNotesState,
  noteId: string,
  version: number,
): AdvisorNote {
  const note = state.notes.get(noteId);
  if (!note) throw DomainError.notFound(`There is no note ${noteId} on this student`, 'noteId');
  return {
    id: note.noteId,
    studentId,
    authorId: note.authorId,
    text: note.retracted ? null : note.text,
    addedAt: note.addedAt,
    editedAt: note.editedAt,
    retracted: note.retracted,
    // States stored before changes were attributed lack these until the next rebuild.
    lastChangedBy: note.lastChangedBy ?? { id: note.authorId, role: null },
    lastChangedAt: note.lastChangedAt ?? note.editedAt ?? note.addedAt,
    version,
  };
}
