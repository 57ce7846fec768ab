import { type Event } from '../shared/decider';

/** The note's text is about the student: personal, encrypted with the student's key later. */
export type AdvisorNoteAdded = Event<
  'AdvisorNoteAdded',
  { studentId: string; noteId: string; advisorId: string; at: string; personal: { text: string } }
>;

/** `advisorId` is who edited, which need not be the author. */
export type AdvisorNoteEdited = Event<
  'AdvisorNoteEdited',
  { studentId: string; noteId: string; advisorId: string; at: string; personal: { text: string } }
>;

/** Deletion is an event too; the text itself disappears when the student's key is shredded. */
export type AdvisorNoteRetracted = Event<
  'AdvisorNoteRetracted',
  { studentId: string; noteId: string; advisorId: string; at: string }
>;

export type AdvisorNotesEvent = AdvisorNoteAdded | AdvisorNoteEdited | AdvisorNoteRetracted;

export type AdvisorNotesEventType = AdvisorNotesEvent['type'];

export const AdvisorNotesEventSchemaVersions: Record<AdvisorNotesEventType, number> = {
  AdvisorNoteAdded: 1,
  AdvisorNoteEdited: 1,
  AdvisorNoteRetracted: 1,
};
