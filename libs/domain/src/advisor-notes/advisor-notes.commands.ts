import { type Command } from '../shared/decider';

/** The stream is `streamIds.advisorNotes(studentId)`: all notes on one student. */
interface NoteTarget {
  studentId: string;
  noteId: string;
  /** The acting advisor; whether they may act is the API's authorisation concern. */
  advisorId: string;
  at: string;
}

export type AddAdvisorNote = Command<'AddAdvisorNote', NoteTarget & { personal: { text: string } }>;

export type EditAdvisorNote = Command<
  'EditAdvisorNote',
  NoteTarget & { personal: { text: string } }
>;

export type RetractAdvisorNote = Command<'RetractAdvisorNote', NoteTarget>;

export type AdvisorNotesCommand = AddAdvisorNote | EditAdvisorNote | RetractAdvisorNote;
