import { type Event } from '../shared/decider';

/** "Friends and family, classmates and coworkers, neighbors and acquaintances, and faculty…" */
export const contactRelationships = [
  'friend',
  'family',
  'classmate',
  'coworker',
  'neighbor',
  'acquaintance',
  'faculty',
  'mentor',
  'supervisor',
  'referral',
  'other',
] as const;
export type ContactRelationship = (typeof contactRelationships)[number];

/** Everything that identifies the professional; encrypted per student later. */
export interface ContactPersonal {
  name: string;
  email: string | null;
  linkedinUrl: string | null;
  notes: string | null;
}

/** Facts kept in the clear for reporting (how students find contacts, which industries). */
export interface ContactFacts {
  relationship: ContactRelationship;
  organization: string | null;
  role: string | null;
  industry: string | null;
}

export type ContactAdded = Event<
  'ContactAdded',
  ContactFacts & {
    contactId: string;
    studentId: string;
    /** The contact who introduced this one (the guide's "put me in touch with them"). */
    referredByContactId: string | null;
    at: string;
    personal: ContactPersonal;
  }
>;

/** Carries the whole contact after the change. */
export type ContactUpdated = Event<
  'ContactUpdated',
  ContactFacts & { contactId: string; studentId: string; at: string; personal: ContactPersonal }
>;

export type ContactArchived = Event<
  'ContactArchived',
  { contactId: string; studentId: string; at: string }
>;

export type ContactEvent = ContactAdded | ContactUpdated | ContactArchived;

export type ContactEventType = ContactEvent['type'];

export const ContactEventSchemaVersions: Record<ContactEventType, number> = {
  ContactAdded: 1,
  ContactUpdated: 1,
  ContactArchived: 1,
};
