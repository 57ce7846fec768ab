import { normalizeInstant } from '../shared/dates';
import { type Decider } from '../shared/decider';
import { DomainError } from '../shared/domain-error';
import {
  firstError,
  isLinkedInUrl,
  normalizeEmail,
  optionalEmail,
  optionalText,
  requireId,
  requireInstant,
  requireOneOf,
  requireText,
  TEXT_LIMITS,
  trimmedOrNull,
  type Check,
} from '../shared/validation';
import {
  type AddContact,
  type ArchiveContact,
  type ContactCommand,
  type UpdateContact,
} from './contact.commands';
import {
  contactRelationships,
  type ContactEvent,
  type ContactFacts,
  type ContactPersonal,
} from './contact.events';

export type ContactState =
  | { status: 'none' }
  | (ContactFacts & {
      status: 'active' | 'archived';
      contactId: string;
      studentId: string;
      referredByContactId: string | null;
      personal: ContactPersonal;
    });

type Existing = Exclude<ContactState, { status: 'none' }>;
type Result = ContactEvent[] | DomainError;

export const contactDecider: Decider<ContactCommand, ContactEvent, ContactState> = {
  decide(command, state) {
    if (command.type === 'AddContact') return add(command, state);
    if (state.status === 'none') {
      return DomainError.notFound(`Contact ${command.data.contactId} does not exist`, 'contactId');
    }
    if (state.status === 'archived') {
      return DomainError.invalidTransition('This contact is archived and can no longer be changed');
    }
    switch (command.type) {
      case 'UpdateContact':
        return update(command, state);
      case 'ArchiveContact':
        return archive(command, state);
      default: {
        const _exhaustive: never = command;
        return _exhaustive;
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'ContactAdded': {
        const { at: _at, ...contact } = event.data;
        return { ...contact, status: 'active' };
      }
      case 'ContactUpdated': {
        if (state.status === 'none') return state;
        const { at: _at, ...contact } = event.data;
        return { ...state, ...contact };
      }
      case 'ContactArchived':
        if (state.status === 'none') return state;
        return { ...state, status: 'archived' };
      default: {
        const _exhaustive: never = event;
        return _exhaustive;
      }
    }
  },

  initialState: () => ({ status: 'none' }),
};

function add({ data }: AddContact, state: ContactState): Result {
  if (state.status !== 'none') {
    return DomainError.alreadyExists(`Contact ${data.contactId} already exists`, 'contactId');
  }
  const facts = cleanFacts({
    relationship: data.relationship,
    organization: data.organization ?? null,
    role: data.role ?? null,
    industry: data.industry ?? null,
  });
  const personal = cleanPersonal({
    name: data.personal.name,
    email: data.personal.email ?? null,
    linkedinUrl: data.personal.linkedinUrl ?? null,
    notes: data.personal.notes ?? null,
  });
  const referredByContactId = trimmedOrNull(data.referredByContactId);
  const error = firstError(
    requireId(data.contactId, 'contactId', 'The contact id'),
    requireId(data.studentId, 'studentId', 'The student id'),
    checkContact(facts, personal),
    referredByContactId === data.contactId
      ? DomainError.validation('A contact cannot refer themselves', 'referredByContactId')
      : undefined,
    requireInstant(data.at, 'at', 'The time the contact was added'),
  );
  if (error) return error;
  return [
    {
      type: 'ContactAdded',
      data: {
        contactId: data.contactId,
        studentId: data.studentId,
        ...facts,
        referredByContactId,
        at: normalizeInstant(data.at),
        personal,
      },
    },
  ];
}

function update({ data }: UpdateContact, state: Existing): Result {
  const pick = <T>(given: T | undefined, current: T): T => (given === undefined ? current : given);
  const facts = cleanFacts({
    relationship: pick(data.relationship, state.relationship),
    organization: pick(data.organization, state.organization),
    role: pick(data.role, state.role),
    industry: pick(data.industry, state.industry),
  });
  const personal = cleanPersonal({
    name: pick(data.personal?.name, state.personal.name),
    email: pick(data.personal?.email, state.personal.email),
    linkedinUrl: pick(data.personal?.linkedinUrl, state.personal.linkedinUrl),
    notes: pick(data.personal?.notes, state.personal.notes),
  });
  const error = firstError(
    checkContact(facts, personal),
    requireInstant(data.at, 'at', 'The update time'),
  );
  if (error) return error;
  const unchanged =
    (Object.keys(facts) as (keyof ContactFacts)[]).every((key) => facts[key] === state[key]) &&
    (Object.keys(personal) as (keyof ContactPersonal)[]).every(
      (key) => personal[key] === state.personal[key],
    );
  if (unchanged) return [];
  return [
    {
      type: 'ContactUpdated',
      data: {
        contactId: state.contactId,
        studentId: state.studentId,
        ...facts,
        at: normalizeInstant(data.at),
        personal,
      },
    },
  ];
}

function archive({ data }: ArchiveContact, state: Existing): Result {
  const error = requireInstant(data.at, 'at', 'The archive time');
  if (error) return error;
  return [
    {
      type: 'ContactArchived',
      data: {
        contactId: state.contactId,
        studentId: state.studentId,
        at: normalizeInstant(data.at),
      },
    },
  ];
}

function checkContact(facts: ContactFacts, personal: ContactPersonal): Check {
  return firstError(
    requireText(personal.name, 'personal.name', "The contact's name"),
    optionalEmail(personal.email, 'personal.email'),
    optionalText(personal.linkedinUrl, 'personal.linkedinUrl', 'The LinkedIn URL', 500) ??
      (personal.linkedinUrl === null || isLinkedInUrl(personal.linkedinUrl)
        ? undefined
        : DomainError.validation(
            'The LinkedIn URL must be a linkedin.com address, e.g. https://www.linkedin.com/in/name',
            'personal.linkedinUrl',
          )),
    optionalText(personal.notes, 'personal.notes', 'Notes', TEXT_LIMITS.long),
    requireOneOf(facts.relationship, contactRelationships, 'relationship', 'The relationship'),
    optionalText(facts.organization, 'organization', 'The organization'),
    optionalText(facts.role, 'role', 'The role'),
    optionalText(facts.industry, 'industry', 'The industry'),
  );
}

function cleanFacts(facts: ContactFacts): ContactFacts {
  return {
    relationship: facts.relationship,
    organization: trimmedOrNull(facts.organization),
    role: trimmedOrNull(facts.role),
    industry: trimmedOrNull(facts.industry),
  };
}

function cleanPersonal(personal: ContactPersonal): ContactPersonal {
  const email = trimmedOrNull(personal.email);
  return {
    name: personal.name.trim(),
    email: email === null ? null : normalizeEmail(email),
    linkedinUrl: trimmedOrNull(personal.linkedinUrl),
    notes: trimmedOrNull(personal.notes),
  };
}
