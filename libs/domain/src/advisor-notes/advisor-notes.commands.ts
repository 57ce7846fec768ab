import { type Command } from '../shared/decider';
import { type StaffRole } from './advisor-notes.events';

/** The stream is `streamIds.advisorNotes(studentId)`: all notes on one student. */
interface NoteTarget {
  studentId: string;
  noteId: string;
  /** The acting staff member; that they may see the student at all is the API's concern. */
  advisorId: string;
  /** The role they act in: only the author edits, and only the author or an admin retracts. */
  role: StaffRole;
  at: string;
}

export type AddAdvisorNote = Command<'AddAdvisorNote', NoteTarget & { personal: { text: string } }>;

export type EditAdvisorNote = Command<
  'EditAdvisorNote',
  NoteTarget & { personal: { text: string } }
>;

export type RetractAdvisorNote = Command<'RetractAdvisorNote', NoteTarget>;

export type AdvisorNotesCommand = AddAdvisorNote | EditAdvisorNote | RetractAdvisorNote;
