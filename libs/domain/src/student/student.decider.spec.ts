import { DomainErrorCode } from '../shared/domain-error';
import { deciderSpec } from '../testing/decider-spec';
import { studentDecider } from './student.decider';
import { type StudentRegistered } from './student.events';

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

    it('records nothing when nothing changes', () => {
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
});
