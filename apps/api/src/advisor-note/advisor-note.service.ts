import { Injectable } from '@nestjs/common';
import {
  type AdvisorNotesCommand,
  type AdvisorNotesState,
  DomainError,
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
 * Notes staff keep on a student: advisors of the student's cohort and admins read and write
 * them; the student never sees them.
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
    return this.run(
      context,
      {
        type: 'AddAdvisorNote',
        data: { ...this.target(context, input.studentId, noteId), personal: { text: input.text } },
      },
      input.expectedVersion,
    );
  }

  async edit(context: CommandContext, input: EditAdvisorNoteInput): Promise<AdvisorNote> {
    return this.run(
      context,
      {
        type: 'EditAdvisorNote',
        data: {
          ...this.target(context, input.studentId, input.noteId),
          personal: { text: input.text },
        },
      },
      input.expectedVersion,
    );
  }

  async retract(context: CommandContext, input: RetractAdvisorNoteInput): Promise<AdvisorNote> {
    return this.run(
      context,
      {
        type: 'RetractAdvisorNote',
        data: this.target(context, input.studentId, input.noteId),
      },
      input.expectedVersion,
    );
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

  private async run(
    context: CommandContext,
    command: AdvisorNotesCommand,
    expectedVersion: number | undefined,
  ): Promise<AdvisorNote> {
    const { studentId, noteId } = command.data;
    await this.assertStaffOf(context.actor, studentId);
    const result = await this.executor.execute<AdvisorNotesState>(context, command, {
      expectedVersion,
    });
    return toAdvisorNote(studentId, result.state, noteId, result.version);
  }

  private target(context: CommandContext, studentId: string, noteId: string) {
    return { studentId, noteId, advisorId: context.actor.subject, at: context.now.toISOString() };
  }

  /** Admins, and advisors of a cohort the student is in; students are refused outright. */
  private async assertStaffOf(actor: Actor, studentId: string): Promise<void> {
    this.access.requireRole(actor, 'advisor', 'admin');
    // Existence first: another tenant's students are NOT_FOUND, not FORBIDDEN, to advisors too.
    if (!(await this.states.find(actor.tenantId, streamIds.student(studentId))))
      throw DomainError.notFound(`Student ${studentId} does not exist`, 'studentId');
    await this.access.assertCanReadStudent(actor, studentId);
  }
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
    version,
  };
}
