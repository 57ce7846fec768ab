import { normalizeInstant } from '../shared/dates';
import { type Decider } from '../shared/decider';
import { DomainError } from '../shared/domain-error';
import {
  firstError,
  requireId,
  requireInstant,
  requireText,
  TEXT_LIMITS,
  type Check,
} from '../shared/validation';
import {
  type AddAdvisorNote,
  type AdvisorNotesCommand,
  type EditAdvisorNote,
  type RetractAdvisorNote,
} from './advisor-notes.commands';
import {
  type AdvisorNotesEvent,
  type RetractedBy,
  STAFF_ROLES,
  type StaffRole,
} from './advisor-notes.events';

/** A staff member who changed a note; `role` is null for changes recorded before roles were kept. */
export interface NoteChanger {
  id: string;
  role: StaffRole | null;
}

export interface AdvisorNote {
  noteId: string;
  authorId: string;
  text: string;
  addedAt: string;
  editedAt: string | null;
  retracted: boolean;
  /** Who last added, edited or retracted it, and when. */
  lastChangedBy: NoteChanger;
  lastChangedAt: string;
}

export interface AdvisorNotesState {
  notes: ReadonlyMap<string, AdvisorNote>;
}

type Result = AdvisorNotesEvent[] | DomainError;

export const advisorNotesDecider: Decider<
  AdvisorNotesCommand,
  AdvisorNotesEvent,
  AdvisorNotesState
> = {
  decide(command, state) {
    const error = firstError(
      requireId(command.data.studentId, 'studentId', 'The student id'),
      requireId(command.data.noteId, 'noteId', 'The note id'),
      requireId(command.data.advisorId, 'advisorId', 'The advisor id'),
      requireInstant(command.data.at, 'at', 'The command time'),
    );
    if (error) return error;
    if (!STAFF_ROLES.includes(command.data.role))
      return DomainError.forbidden('Only advisors and admins keep notes on a student');
    switch (command.type) {
      case 'AddAdvisorNote':
        return addNote(command, state);
      case 'EditAdvisorNote':
        return editNote(command, state);
      case 'RetractAdvisorNote':
        return retractNote(command, state);
      default: {
        const _exhaustive: never = command;
        return _exhaustive;
      }
    }
  },

  evolve(state, event) {
    const notes = new Map(state.notes);
    const current = notes.get(event.data.noteId);
    // Events recorded before roles were kept have none: the role is then unknown, not guessed.
    const changed = {
      lastChangedBy: { id: event.data.advisorId, role: event.data.role ?? null },
      lastChangedAt: event.data.at,
    };
    switch (event.type) {
      case 'AdvisorNoteAdded':
        notes.set(event.data.noteId, {
          noteId: event.data.noteId,
          authorId: event.data.advisorId,
          text: event.data.personal.text,
          addedAt: event.data.at,
          editedAt: null,
          retracted: false,
          ...changed,
        });
        break;
      case 'AdvisorNoteEdited':
        if (current) {
          notes.set(current.noteId, {
            ...current,
            text: event.data.personal.text,
            editedAt: event.data.at,
            ...changed,
          });
        }
        break;
      case 'AdvisorNoteRetracted':
        if (current) notes.set(current.noteId, { ...current, retracted: true, ...changed });
        break;
      default: {
        const _exhaustive: never = event;
        return _exhaustive;
      }
    }
    return { notes };
  },

  initialState: () => ({ notes: new Map() }),
};

function addNote({ data }: AddAdvisorNote, state: AdvisorNotesState): Result {
  if (state.notes.has(data.noteId)) {
    return DomainError.alreadyExists(`Note ${data.noteId} already exists`, 'noteId');
  }
  const error = checkText(data.personal.text);
  if (error) return error;
  return [
    {
      type: 'AdvisorNoteAdded',
      data: {
        studentId: data.studentId,
        noteId: data.noteId,
        advisorId: data.advisorId,
        role: data.role,
        at: normalizeInstant(data.at),
        personal: { text: data.personal.text.trim() },
      },
    },
  ];
}

function editNote({ data }: EditAdvisorNote, state: AdvisorNotesState): Result {
  const note = findLiveNote(state, data.noteId, 'edited');
  if (note instanceof DomainError) return note;
  // A note is its author's record: colleagues and admins add their own instead of rewriting it.
  if (data.advisorId !== note.authorId)
    return DomainError.forbidden('Only the author of a note may edit it');
  const error = checkText(data.personal.text);
  if (error) return error;
  const text = data.personal.text.trim();
  if (text === note.text) return [];
  return [
    {
      type: 'AdvisorNoteEdited',
      data: {
        studentId: data.studentId,
        noteId: data.noteId,
        advisorId: data.advisorId,
        role: data.role,
        at: normalizeInstant(data.at),
        personal: { text },
      },
    },
  ];
}

function retractNote({ data }: RetractAdvisorNote, state: AdvisorNotesState): Result {
  const note = findLiveNote(state, data.noteId, 'retracted');
  if (note instanceof DomainError) return note;
  const retractedBy: RetractedBy | null =
    data.advisorId === note.authorId ? 'author' : data.role === 'admin' ? 'admin' : null;
  if (!retractedBy)
    return DomainError.forbidden('Only the author of a note or an admin may retract it');
  return [
    {
      type: 'AdvisorNoteRetracted',
      data: {
        studentId: data.studentId,
        noteId: data.noteId,
        advisorId: data.advisorId,
        role: data.role,
        retractedBy,
        at: normalizeInstant(data.at),
      },
    },
  ];
}

function findLiveNote(
  state: AdvisorNotesState,
  noteId: string,
  verb: 'edited' | 'retracted',
): AdvisorNote | DomainError {
  const note = state.notes.get(noteId);
  if (!note) return DomainError.notFound(`There is no note ${noteId} on this student`, 'noteId');
  if (note.retracted) {
    return DomainError.invalidTransition(`This note was retracted and can no longer be ${verb}`);
  }
  return note;
}

function checkText(text: string): Check {
  return requireText(text, 'personal.text', 'The note', TEXT_LIMITS.long);
}
