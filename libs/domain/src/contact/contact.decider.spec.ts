import { DomainErrorCode } from '../shared/domain-error';
import { deciderSpec } from '../testing/decider-spec';
import { contactDecider } from './contact.decider';
import { type ContactAdded, type ContactArchived } from './contact.events';

const spec = deciderSpec(contactDecider);
const at = '2025-09-03T18:30:00.000Z';
const contactId = 'k-1';
const studentId = 's-1';

const added: ContactAdded = {
  type: 'ContactAdded',
  data: {
    contactId,
    studentId,
    relationship: 'family',
    organization: 'City Hospital',
    role: 'Nurse practitioner',
    industry: 'Healthcare',
    referredByContactId: null,
    at,
    personal: {
      name: 'Aunt May',
      email: 'may@example.com',
      linkedinUrl: null,
      notes: 'Family friend, works nights',
    },
  },
};

const archived: ContactArchived = {
  type: 'ContactArchived',
  data: { contactId, studentId, at },
};

describe('contact decider', () => {
  describe('AddContact', () => {
    it('adds a contact, trimming text and lower-casing the email', () => {
      spec
        .given([])
        .when({
          type: 'AddContact',
          data: {
            contactId,
            studentId,
            relationship: 'family',
            organization: 'City Hospital ',
            role: 'Nurse practitioner',
            industry: 'Healthcare',
            personal: {
              name: ' Aunt May',
              email: 'May@Example.com',
              linkedinUrl: '',
              notes: 'Family friend, works nights',
            },
            at,
          },
        })
        .then([added]);
    });

    it('records who referred the contact', () => {
      spec
        .given([])
        .when({
          type: 'AddContact',
          data: {
            contactId: 'k-2',
            studentId,
            relationship: 'referral',
            referredByContactId: contactId,
            personal: { name: 'Dr. Ortiz', linkedinUrl: 'https://www.linkedin.com/in/ortiz' },
            at,
          },
        })
        .then([
          {
            type: 'ContactAdded',
            data: {
              contactId: 'k-2',
              studentId,
              relationship: 'referral',
              organization: null,
              role: null,
              industry: null,
              referredByContactId: contactId,
              at,
              personal: {
                name: 'Dr. Ortiz',
                email: null,
                linkedinUrl: 'https://www.linkedin.com/in/ortiz',
                notes: null,
              },
            },
          },
        ]);
    });

    it('rejects adding the same contact twice', () => {
      spec
        .given([added])
        .when({ type: 'AddContact', data: { ...added.data } })
        .thenError(DomainErrorCode.ALREADY_EXISTS);
    });

    it.each([
      [{ personal: { name: '' } }, 'personal.name'],
      [{ personal: { name: 'X', email: 'x@y' } }, 'personal.email'],
      [{ personal: { name: 'X', linkedinUrl: 'https://example.com/me' } }, 'personal.linkedinUrl'],
      [{ relationship: 'boss' }, 'relationship'],
      [{ referredByContactId: contactId }, 'referredByContactId'],
    ])('rejects invalid input %j', (override, field) => {
      spec
        .given([])
        .when({ type: 'AddContact', data: { ...added.data, ...override } as never })
        .thenError(DomainErrorCode.VALIDATION, { field });
    });
  });

  describe('UpdateContact', () => {
    it('records the whole contact after a partial change; null clears a field', () => {
      spec
        .given([added])
        .when({
          type: 'UpdateContact',
          data: { contactId, role: 'Charge nurse', personal: { notes: null }, at },
        })
        .then([
          {
            type: 'ContactUpdated',
            data: {
              contactId,
              studentId,
              relationship: 'family',
              organization: 'City Hospital',
              role: 'Charge nurse',
              industry: 'Healthcare',
              at,
              personal: { ...added.data.personal, notes: null },
            },
          },
        ]);
    });

    it('records nothing when nothing changes', () => {
      spec
        .given([added])
        .when({ type: 'UpdateContact', data: { contactId, industry: ' Healthcare ', at } })
        .thenNothing();
    });

    it('rejects an invalid email', () => {
      spec
        .given([added])
        .when({ type: 'UpdateContact', data: { contactId, personal: { email: 'nope' }, at } })
        .thenError(DomainErrorCode.VALIDATION, { field: 'personal.email' });
    });

    it('rejects an unknown contact', () => {
      spec
        .given([])
        .when({ type: 'UpdateContact', data: { contactId, role: 'X', at } })
        .thenError(DomainErrorCode.NOT_FOUND);
    });

    it('rejects changing an archived contact', () => {
      spec
        .given([added, archived])
        .when({ type: 'UpdateContact', data: { contactId, role: 'X', at } })
        .thenError(DomainErrorCode.INVALID_TRANSITION);
    });
  });

  describe('ArchiveContact', () => {
    it('archives', () => {
      spec
        .given([added])
        .when({ type: 'ArchiveContact', data: { contactId, at } })
        .then([archived]);
    });

    it('rejects archiving twice', () => {
      spec
        .given([added, archived])
        .when({ type: 'ArchiveContact', data: { contactId, at } })
        .thenError(DomainErrorCode.INVALID_TRANSITION);
    });

    it('rejects an unknown contact', () => {
      spec
        .given([])
        .when({ type: 'ArchiveContact', data: { contactId, at } })
        .thenError(DomainErrorCode.NOT_FOUND);
    });
  });
});
