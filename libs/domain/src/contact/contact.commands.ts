import { type Command } from '../shared/decider';
import { type ContactRelationship } from './contact.events';

export type AddContact = Command<
  'AddContact',
  {
    contactId: string;
    studentId: string;
    relationship: ContactRelationship;
    organization?: string | null;
    role?: string | null;
    industry?: string | null;
    referredByContactId?: string | null;
    personal: {
      name: string;
      email?: string | null;
      linkedinUrl?: string | null;
      notes?: string | null;
    };
    at: string;
  }
>;

/** Partial: absent fields keep their value, `null` clears an optional one. */
export type UpdateContact = Command<
  'UpdateContact',
  {
    contactId: string;
    relationship?: ContactRelationship;
    organization?: string | null;
    role?: string | null;
    industry?: string | null;
    personal?: {
      name?: string;
      email?: string | null;
      linkedinUrl?: string | null;
      notes?: string | null;
    };
    at: string;
  }
>;

export type ArchiveContact = Command<'ArchiveContact', { contactId: string; at: string }>;

export type ContactCommand = AddContact | UpdateContact | ArchiveContact;
