import { DomainErrorCode } from '../shared/domain-error';
import { deciderSpec } from '../testing/decider-spec';
import { type CorrectStudentRecord } from './student.commands';
import { studentDecider } from './student.decider';
import {
  type StudentEmailChanged,
  type StudentEmailChangeRequested,
  type StudentRegistered,
} from './student.events';

const spec = deciderSpec(studentDecider);
const at = '2025-09-01T12:00:00.000Z';
const studentId = 's-1';

const registered: StudentRegistered = {
  type: 'StudentRegistered',
  data: {
    studentId,
    cohortId: 'c-1',
    careerInterests: ['Environmental law', 'Policy'],
    digestPreference: 'weekly',
    at,
    personal: { name: 'Ada Lovelace', email: 'ada@example.edu' },
  },
};

describe('student decider', () => {
  describe('RegisterStudent', () => {
    it('registers with the weekly digest, cleaned interests and normalised email', () => {
      spec
        .given([])
        .when({
          type: 'RegisterStudent',
          data: {
            studentId,
            cohortId: 'c-1',
            careerInterests: [' Environmental law', 'Policy', 'policy'],
            personal: { name: 'Ada Lovelace ', email: 'Ada@Example.edu' },
            at,
          },
        })
        .then([registered]);
    });

    it('rejects registering twice', () => {
      spec
        .given([registered])
        .when({ type: 'RegisterStudent', data: { ...registered.data } })
        .thenError(DomainErrorCode.ALREADY_EXISTS);
    });

    it('rejects an invalid email', () => {
      spec
        .given([])
        .when({
          type: 'RegisterStudent',
          data: { ...registered.data, personal: { name: 'Ada', email: 'ada@' } },
        })
        .thenError(DomainErrorCode.VALIDATION, { field: 'personal.email' });
    });

    it('rejects too many interests', () => {
      spec
        .given([])
        .when({
          type: 'RegisterStudent',
          data: { ...registered.data, careerInterests: Array.from({ length: 21 }, String) },
        })
        .thenError(DomainErrorCode.LIMIT_EXCEEDED, { field: 'careerInterests' });
    });
  });

  describe('UpdateStudentProfile', () => {
    it('records the whole profile after a partial change', () => {
      spec
        .given([registered])
        .when({ type: 'UpdateStudentProfile', data: { studentId, careerInterests: ['Law'], at } })
        .then([
          {
            type: 'StudentProfileUpdated',
            data: { studentId, careerInterests: ['Law'], at, personal: registered.data.personal },
          },
        ]);
    });

    it('records nothing when nothing changes (the email compared normalised)', () => {
      spec
        .given([registered])
        .when({
          type: 'UpdateStudentProfile',
          data: { studentId, personal: { email: 'ADA@example.edu' }, at },
        })
        .thenNothing();
    });

    it('rejects an empty name', () => {
      spec
        .given([registered])
        .when({ type: 'UpdateStudentProfile', data: { studentId, personal: { name: ' ' }, at } })
        .thenError(DomainErrorCode.VALIDATION, { field: 'personal.name' });
    });

    it('rejects an unknown student', () => {
      spec
        .given([])
        .when({ type: 'UpdateStudentProfile', data: { studentId, careerInterests: [], at } })
        .thenError(DomainErrorCode.NOT_FOUND);
    });
  });

  describe('email changes', () => {
    const later = '2025-09-02T09:30:00.000Z';
    const requested = (requestId: string, pendingEmail: string): StudentEmailChangeRequested => ({
      type: 'StudentEmailChangeRequested',
      data: { studentId, requestId, at: later, personal: { pendingEmail } },
    });
    const changed = (requestId: string, email: string): StudentEmailChanged => ({
      type: 'StudentEmailChanged',
      data: { studentId, requestId, at: later, personal: { email } },
    });
    const update = (personal: { name?: string; email?: string }, requestId = 'req-1') => ({
      type: 'UpdateStudentProfile' as const,
      data: { studentId, personal, emailChangeRequestId: requestId, at: later },
    });
    const confirm = (requestId: string) => ({
      type: 'ConfirmStudentEmailChange' as const,
      data: { studentId, requestId, at: later },
    });

    it('records a new email only as requested, normalised', () => {
      spec
        .given([registered])
        .when(update({ email: ' Ada.New@Example.edu ' }))
        .then([requested('req-1', 'ada.new@example.edu')]);
    });

    it('changes the name at once and requests the email, keeping the confirmed one', () => {
      spec
        .given([registered])
        .when(update({ name: 'Ada King', email: 'ada.new@example.edu' }))
        .then([
          {
            type: 'StudentProfileUpdated',
            data: {
              studentId,
              careerInterests: registered.data.careerInterests,
              at: later,
              personal: { name: 'Ada King', email: 'ada@example.edu' },
            },
          },
          requested('req-1', 'ada.new@example.edu'),
        ]);
    });

    it('keeps the confirmed email in later profile updates while a change is pending', () => {
      spec
        .given([registered, requested('req-1', 'ada.new@example.edu')])
        .when({ type: 'UpdateStudentProfile', data: { studentId, careerInterests: ['Law'], at } })
        .then([
          {
            type: 'StudentProfileUpdated',
            data: { studentId, careerInterests: ['Law'], at, personal: registered.data.personal },
          },
        ]);
    });

    it('records nothing when the pending address is asked for again', () => {
      spec
        .given([registered, requested('req-1', 'ada.new@example.edu')])
        .when(update({ email: 'ADA.NEW@example.edu' }, 'req-2'))
        .thenNothing();
    });

    it('replaces a pending request with a request for another address', () => {
      spec
        .given([registered, requested('req-1', 'ada.new@example.edu')])
        .when(update({ email: 'ada.other@example.edu' }, 'req-2'))
        .then([requested('req-2', 'ada.other@example.edu')]);
    });

    it('needs a request id when the email changes', () => {
      spec
        .given([registered])
        .when({
          type: 'UpdateStudentProfile',
          data: { studentId, personal: { email: 'ada.new@example.edu' }, at },
        })
        .thenError(DomainErrorCode.VALIDATION, { field: 'emailChangeRequestId' });
    });

    it('rejects an invalid new email without naming it', () => {
      const error = spec
        .given([registered])
        .when(update({ email: 'ada.new@' }))
        .thenError(DomainErrorCode.VALIDATION, { field: 'personal.email' });
      expect(error.message).not.toContain('ada.new');
    });

    it('confirms the pending request: the new address becomes the email', () => {
      spec
        .given([registered, requested('req-1', 'ada.new@example.edu')])
        .when(confirm('req-1'))
        .then([changed('req-1', 'ada.new@example.edu')]);
    });

    it('records nothing when the confirmed request is confirmed again', () => {
      spec
        .given([
          registered,
          requested('req-1', 'ada.new@example.edu'),
          changed('req-1', 'ada.new@example.edu'),
        ])
        .when(confirm('req-1'))
        .thenNothing();
    });

    it('rejects confirming a superseded request', () => {
      const error = spec
        .given([
          registered,
          requested('req-1', 'ada.new@example.edu'),
          requested('req-2', 'ada.other@example.edu'),
        ])
        .when(confirm('req-1'))
        .thenError(DomainErrorCode.INVALID_TRANSITION);
      expect(error.message).not.toContain('@');
    });

    it('rejects confirming a request superseded after another was confirmed', () => {
      spec
        .given([
          registered,
          requested('req-1', 'ada.new@example.edu'),
          changed('req-1', 'ada.new@example.edu'),
          requested('req-2', 'ada.other@example.edu'),
          requested('req-3', 'ada.third@example.edu'),
        ])
        .when(confirm('req-2'))
        .thenError(DomainErrorCode.INVALID_TRANSITION);
    });

    it('rejects confirming when nothing is pending', () => {
      spec.given([registered]).when(confirm('req-1')).thenError(DomainErrorCode.INVALID_TRANSITION);
    });

    it('rejects confirming for an unknown student', () => {
      spec.given([]).when(confirm('req-1')).thenError(DomainErrorCode.NOT_FOUND);
    });

    it('a request for the confirmed address again after a change is a new request', () => {
      spec
        .given([
          registered,
          requested('req-1', 'ada.new@example.edu'),
          changed('req-1', 'ada.new@example.edu'),
        ])
        .when(update({ email: 'ada@example.edu' }, 'req-2'))
        .then([requested('req-2', 'ada@example.edu')]);
    });

    it('keeps the meaning of old profile updates that changed the email directly', () => {
      spec
        .given([
          registered,
          {
            type: 'StudentProfileUpdated',
            data: {
              studentId,
              careerInterests: registered.data.careerInterests,
              at,
              personal: { name: 'Ada Lovelace', email: 'ada.old.style@example.edu' },
            },
          },
        ])
        // The address an old event set is the current one: asking for it records nothing.
        .when(update({ email: 'ada.old.style@example.edu' }))
        .thenNothing();
    });
  });

  describe('SetDigestPreference', () => {
    it('turns the digest off', () => {
      spec
        .given([registered])
        .when({ type: 'SetDigestPreference', data: { studentId, preference: 'off', at } })
        .then([{ type: 'DigestPreferenceSet', data: { studentId, preference: 'off', at } }]);
    });

    it('records nothing when the preference is unchanged', () => {
      spec
        .given([registered])
        .when({ type: 'SetDigestPreference', data: { studentId, preference: 'weekly', at } })
        .thenNothing();
    });

    it('rejects an unknown preference', () => {
      spec
        .given([registered])
        .when({
          type: 'SetDigestPreference',
          data: { studentId, preference: 'daily' as 'weekly', at },
        })
        .thenError(DomainErrorCode.VALIDATION, { field: 'preference' });
    });

    it('rejects an unknown student', () => {
      spec
        .given([])
        .when({ type: 'SetDigestPreference', data: { studentId, preference: 'off', at } })
        .thenError(DomainErrorCode.NOT_FOUND);
    });
  });

  describe('roster fields', () => {
    const fromRoster: StudentRegistered = {
      type: 'StudentRegistered',
      data: {
        ...registered.data,
        program: 'Law',
        graduationYear: 2027,
        personal: { ...registered.data.personal, externalId: 'S-1' },
      },
    };
    const correct = (data: Partial<CorrectStudentRecord['data']>): CorrectStudentRecord => ({
      type: 'CorrectStudentRecord',
      data: { studentId, at, ...data },
    });

    it('registers with the external id among the personal data, program and year beside it', () => {
      spec
        .given([])
        .when({
          type: 'RegisterStudent',
          data: {
            studentId,
            cohortId: 'c-1',
            careerInterests: ['Environmental law', 'Policy'],
            personal: { name: 'Ada Lovelace', email: 'ada@example.edu', externalId: ' S-1 ' },
            program: ' Law ',
            graduationYear: 2027,
            at,
          },
        })
        .then([fromRoster]);
    });

    it('rejects a graduation year out of range', () => {
      spec
        .given([])
        .when({ type: 'RegisterStudent', data: { ...registered.data, graduationYear: 1492 } })
        .thenError(DomainErrorCode.VALIDATION, { field: 'graduationYear' });
    });

    it('corrects the name, external id, program and year, recording the whole record', () => {
      spec
        .given([fromRoster])
        .when(correct({ personal: { name: 'Ada King ', externalId: 'S-9' }, program: 'Policy' }))
        .then([
          {
            type: 'StudentRecordCorrected',
            data: {
              studentId,
              program: 'Policy',
              graduationYear: 2027,
              at,
              personal: { name: 'Ada King', externalId: 'S-9' },
            },
          },
        ]);
    });

    it('records nothing when the roster says what the record already says', () => {
      spec
        .given([fromRoster])
        .when(
          correct({ personal: { name: ' Ada Lovelace', externalId: 'S-1' }, graduationYear: 2027 }),
        )
        .thenNothing();
    });

    it('gives a student enrolled before roster fields existed their first program', () => {
      spec
        .given([registered])
        .when(correct({ program: 'Law' }))
        .then([
          {
            type: 'StudentRecordCorrected',
            data: {
              studentId,
              program: 'Law',
              graduationYear: null,
              at,
              personal: { name: 'Ada Lovelace', externalId: null },
            },
          },
        ]);
    });

    it('keeps the external id through the student updating their own profile', () => {
      const state = [
        fromRoster,
        {
          type: 'StudentProfileUpdated' as const,
          data: {
            studentId,
            careerInterests: ['Law'],
            at,
            personal: { name: 'Ada K', email: 'ada@example.edu' },
          },
        },
      ];
      // The correction restating the roster's external id finds it unchanged.
      spec
        .given(state)
        .when(correct({ personal: { name: 'Ada K', externalId: 'S-1' } }))
        .thenNothing();
    });

    it('rejects an empty name and a too-long external id', () => {
      spec
        .given([fromRoster])
        .when(correct({ personal: { name: ' ' } }))
        .thenError(DomainErrorCode.VALIDATION, { field: 'personal.name' });
      spec
        .given([fromRoster])
        .when(correct({ personal: { externalId: 'x'.repeat(101) } }))
        .thenError(DomainErrorCode.VALIDATION, { field: 'personal.externalId' });
    });

    it('rejects correcting an unknown student', () => {
      spec
        .given([])
        .when(correct({ program: 'Law' }))
        .thenError(DomainErrorCode.NOT_FOUND);
    });
  });
});
