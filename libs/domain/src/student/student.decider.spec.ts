import { DomainErrorCode } from '../shared/domain-error';
import { deciderSpec } from '../testing/decider-spec';
import { type CorrectStudentRecord, type StudentCommand } from './student.commands';
import { enrolmentsOf, type StudentState, studentDecider } from './student.decider';
import {
  type StudentEvent,
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

  describe('JoinCohort / LeaveCohort (a student across cohorts)', () => {
    const spring = '2026-01-20T09:00:00.000Z';
    const join = (cohortId: string, extra: object = {}) => ({
      type: 'JoinCohort' as const,
      data: { studentId, cohortId, at: spring, ...extra },
    });
    const left = (cohortId: string, when = spring): StudentEvent => ({
      type: 'StudentLeftCohort',
      data: { studentId, cohortId, at: when },
    });
    const joined = (cohortId: string): StudentEvent => ({
      type: 'StudentJoinedCohort',
      data: { studentId, cohortId, at: spring },
    });
    const stateAfter = (events: StudentEvent[]) =>
      events.reduce(studentDecider.evolve, studentDecider.initialState()) as Extract<
        StudentState,
        { status: 'registered' }
      >;

    it('moves a student still on their cohort to the new one at its instant', () => {
      spec
        .given([registered])
        .when(join('c-2'))
        .then([left('c-1'), joined('c-2')]);
      const state = stateAfter([registered, left('c-1'), joined('c-2')]);
      expect(state.cohortId).toBe('c-2');
      expect(enrolmentsOf(state)).toEqual([
        { cohortId: 'c-1', from: at, to: spring },
        { cohortId: 'c-2', from: spring, to: null },
      ]);
    });

    it('joins a withdrawn student to the new cohort only', () => {
      const withdrawn = left('c-1', '2025-11-01T09:00:00.000Z');
      spec
        .given([registered, withdrawn])
        .when(join('c-2'))
        .then([joined('c-2')]);
    });

    it('takes the new roster’s record as a correction', () => {
      spec
        .given([registered, left('c-1', '2025-11-01T09:00:00.000Z')])
        .when(join('c-2', { program: 'Law', personal: { name: 'Ada Lovelace' } }))
        .then([
          joined('c-2'),
          {
            type: 'StudentRecordCorrected',
            data: {
              studentId,
              program: 'Law',
              graduationYear: null,
              at: spring,
              personal: { name: 'Ada Lovelace', externalId: null },
            },
          },
        ]);
    });

    it('rejects joining the cohort the student is on', () => {
      spec.given([registered]).when(join('c-1')).thenError(DomainErrorCode.ALREADY_EXISTS);
    });

    it('rejects joining as a student who is not registered', () => {
      spec.given([]).when(join('c-2')).thenError(DomainErrorCode.NOT_FOUND);
    });

    it('leaves a cohort once; leaving a cohort the student is not on records nothing', () => {
      const leave = (cohortId: string) => ({
        type: 'LeaveCohort' as const,
        data: { studentId, cohortId, at: spring },
      });
      spec
        .given([registered])
        .when(leave('c-1'))
        .then([left('c-1')]);
      spec
        .given([registered, left('c-1')])
        .when(leave('c-1'))
        .thenNothing();
      spec.given([registered]).when(leave('c-9')).thenNothing();
    });

    it('reads a state stored before enrolments were kept as one open enrolment', () => {
      const { enrolments: _, ...legacy } = stateAfter([registered]);
      expect(enrolmentsOf(legacy)).toEqual([{ cohortId: 'c-1', from: null, to: null }]);
      expect(studentDecider.decide(join('c-2'), legacy)).toEqual([left('c-1'), joined('c-2')]);
    });
  });
  describe('calendar feed', () => {
    const renewed = (feedId: string, when = at) => ({
      type: 'CalendarFeedRenewed' as const,
      data: { studentId, feedId, at: when },
    });
    const later = '2025-09-02T08:30:00.000Z';

    it('renews a feed with the id the caller chose', () => {
      spec
        .given([registered])
        .when({ type: 'RenewCalendarFeed', data: { studentId, feedId: 'feed-1', at } })
        .then([renewed('feed-1')]);
    });

    it('replaces the current feed with a new id, which becomes the only one in the state', () => {
      spec
        .given([registered, renewed('feed-1')])
        .when({ type: 'RenewCalendarFeed', data: { studentId, feedId: 'feed-2', at: later } })
        .then([renewed('feed-2', later)]);
      const state = [registered, renewed('feed-1'), renewed('feed-2', later)].reduce(
        studentDecider.evolve,
        studentDecider.initialState(),
      );
      expect(state).toMatchObject({ calendarFeed: { feedId: 'feed-2', renewedAt: later } });
    });

    it('records nothing when the current id is asked for again (a retried request)', () => {
      spec
        .given([registered, renewed('feed-1')])
        .when({ type: 'RenewCalendarFeed', data: { studentId, feedId: 'feed-1', at: later } })
        .thenNothing();
    });

    it('rejects a missing or spaced feed id', () => {
      for (const feedId of ['', 'has space']) {
        spec
          .given([registered])
          .when({ type: 'RenewCalendarFeed', data: { studentId, feedId, at } })
          .thenError(DomainErrorCode.VALIDATION, { field: 'feedId' });
      }
    });

    it('revokes the current feed, leaving none', () => {
      spec
        .given([registered, renewed('feed-1')])
        .when({ type: 'RevokeCalendarFeed', data: { studentId, at: later } })
        .then([{ type: 'CalendarFeedRevoked', data: { studentId, at: later } }]);
      const state = [
        registered,
        renewed('feed-1'),
        { type: 'CalendarFeedRevoked' as const, data: { studentId, at: later } },
      ].reduce(studentDecider.evolve, studentDecider.initialState());
      expect(state).toMatchObject({ calendarFeed: null });
    });

    it('records nothing when there is no feed to revoke', () => {
      spec
        .given([registered])
        .when({ type: 'RevokeCalendarFeed', data: { studentId, at } })
        .thenNothing();
      spec
        .given([
          registered,
          renewed('feed-1'),
          { type: 'CalendarFeedRevoked', data: { studentId, at } },
        ])
        .when({ type: 'RevokeCalendarFeed', data: { studentId, at: later } })
        .thenNothing();
    });

    it('refuses a student who is not registered', () => {
      spec
        .given([])
        .when({ type: 'RenewCalendarFeed', data: { studentId, feedId: 'feed-1', at } })
        .thenError(DomainErrorCode.NOT_FOUND);
    });
  });

  describe('EraseStudent', () => {
    const erased = {
      type: 'StudentErased' as const,
      data: { studentId, reason: 'request' as const, at },
    };

    it('records the erasure with ids and the reason only', () => {
      spec
        .given([registered])
        .when({ type: 'EraseStudent', data: { studentId, reason: 'request', at } })
        .then([erased]);
    });

    it('records nothing when the student was erased already (exactly once)', () => {
      spec
        .given([registered, erased])
        .when({ type: 'EraseStudent', data: { studentId, reason: 'retention', at } })
        .thenNothing();
    });

    it('rejects an unknown student and an unknown reason', () => {
      spec
        .given([])
        .when({ type: 'EraseStudent', data: { studentId, reason: 'request', at } })
        .thenError(DomainErrorCode.NOT_FOUND);
      spec
        .given([registered])
        .when({ type: 'EraseStudent', data: { studentId, reason: 'whim' as never, at } })
        .thenError(DomainErrorCode.VALIDATION, { field: 'reason' });
    });

    it('refuses every later command, naming no personal data', () => {
      const later: StudentCommand[] = [
        { type: 'UpdateStudentProfile', data: { studentId, careerInterests: ['Law'], at } },
        { type: 'ConfirmStudentEmailChange', data: { studentId, requestId: 'r-1', at } },
        { type: 'CorrectStudentRecord', data: { studentId, program: 'Law', at } },
        { type: 'JoinCohort', data: { studentId, cohortId: 'c-2', at } },
        { type: 'LeaveCohort', data: { studentId, cohortId: 'c-1', at } },
        { type: 'SetDigestPreference', data: { studentId, preference: 'off', at } },
        { type: 'RenewCalendarFeed', data: { studentId, feedId: 'feed-1', at } },
        { type: 'RevokeCalendarFeed', data: { studentId, at } },
      ];
      for (const command of later) {
        const error = spec
          .given([registered, erased])
          .when(command)
          .thenError(DomainErrorCode.INVALID_TRANSITION, { message: 'was erased' });
        expect(error.message).not.toContain('Ada');
      }
      spec
        .given([registered, erased])
        .when({ type: 'RegisterStudent', data: { ...registered.data } })
        .thenError(DomainErrorCode.ALREADY_EXISTS);
    });

    it('folds to placeholders, keeping the enrolments', () => {
      const state = [registered, erased].reduce(
        (s, e) => studentDecider.evolve(s, e),
        studentDecider.initialState(),
      ) as Extract<StudentState, { status: 'registered' }>;
      expect(state.personal).toEqual({ name: 'Erased student', email: '' });
      expect(state.erased).toBe(true);
      expect(state.calendarFeed).toBeNull();
      expect(state.pendingEmailChange).toBeNull();
      expect(JSON.stringify(state)).not.toMatch(/Ada|ada@/);
      expect(enrolmentsOf(state)).toEqual([{ cohortId: 'c-1', from: at, to: null }]);
    });
  });
});
