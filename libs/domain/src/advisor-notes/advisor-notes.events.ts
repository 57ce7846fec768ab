import { type Event } from '../shared/decider';

/** The roles that keep notes on a student. */
export const STAFF_ROLES = ['advisor', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/**
 * How a note was retracted: withdrawn by its author, or taken down by an admin who did not
 * write it.
 */
export type RetractedBy = 'author' | 'admin';

/**
 * The note's text is about the student: personal, encrypted with the student's key later.
 * `advisorId` is the author; `role` the role they wrote it in (absent on notes recorded before
 * roles were kept, like every `role` below).
 */
export type AdvisorNoteAdded = Event<
  'AdvisorNoteAdded',
  {
    studentId: string;
    noteId: string;
    advisorId: string;
    role?: StaffRole;
    at: string;
    personal: { text: string };
  }
>;

/** `advisorId` is who edited: the author (before authorship was enforced, any advisor). */
export type AdvisorNoteEdited = Event<
  'AdvisorNoteEdited',
  {
    studentId: string;
    noteId: string;
    advisorId: string;
    role?: StaffRole;
    at: string;
    personal: { text: string };
  }
>;

/**
 * Deletion is an event too; the text itself disappears when the student's key is shredded.
 * `advisorId` is who retracted it; `retractedBy` is absent on retractions recorded before
 * authorship was enforced.
 */
export type AdvisorNoteRetracted = Event<
  'AdvisorNoteRetracted',
  {
    studentId: string;
    noteId: string;
    advisorId: string;
    role?: StaffRole;
    retractedBy?: RetractedBy;
    at: string;
  }
>;

export type AdvisorNotesEvent = AdvisorNoteAdded | AdvisorNoteEdited | AdvisorNoteRetracted;

export type AdvisorNotesEventType = AdvisorNotesEvent['type'];

// Still 1: the new fields are optional additions, and every reader tolerates their absence.
export const AdvisorNotesEventSchemaVersions: Record<AdvisorNotesEventType, number> = {
  AdvisorNoteAdded: 1,
  AdvisorNoteEdited: 1,
  AdvisorNoteRetracted: 1,
};
