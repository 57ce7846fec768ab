import { contactDecider } from '../contact/contact.decider';
import { studentDecider } from '../student/student.decider';
import { cohortDecider } from '../cohort/cohort.decider';
import {
  addContactsForReferrals,
  joinCohortOnEnrollment,
  leaveCohortOnWithdrawal,
  registerStudentOnEnrollment,
  withdrawOnLeaving,
} from './reactions.policy';

const at = '2025-10-21T08:00:00.000Z';

describe('reactions', () => {
  it('registers the student an enrolment names, and the student decider accepts it', () => {
    const command = registerStudentOnEnrollment({
      type: 'StudentEnrolled',
      data: {
        cohortId: 'c-1',
        studentId: 's-1',
        at,
        personal: { name: 'Ada', email: 'ada@x.edu' },
      },
    });
    expect(command).toEqual({
      type: 'RegisterStudent',
      data: {
        studentId: 's-1',
        cohortId: 'c-1',
        careerInterests: [],
        personal: { name: 'Ada', email: 'ada@x.edu' },
        at,
      },
    });
    expect(studentDecider.decide(command, studentDecider.initialState())).toHaveLength(1);
  });

  it('adds one referral contact per referral, referred by the interviewed contact', () => {
    const commands = addContactsForReferrals({
      type: 'ReferralsReceived',
      data: {
        interviewId: 'i-1',
        studentId: 's-1',
        contactId: 'k-1',
        referrals: [
          { contactId: 'k-2', organization: 'City Hospital', role: null, industry: null },
        ],
        at,
        personal: { referrals: [{ contactId: 'k-2', name: 'Dr. Ortiz', email: 'ortiz@x.org' }] },
      },
    });
    expect(commands).toEqual([
      {
        type: 'AddContact',
        data: {
          contactId: 'k-2',
          studentId: 's-1',
          relationship: 'referral',
          organization: 'City Hospital',
          role: null,
          industry: null,
          referredByContactId: 'k-1',
          personal: { name: 'Dr. Ortiz', email: 'ortiz@x.org' },
          at,
        },
      },
    ]);
    expect(contactDecider.decide(commands[0], contactDecider.initialState())).toHaveLength(1);
  });

  it('joins a returning student to the cohort an enrolment names, with its record', () => {
    const command = joinCohortOnEnrollment({
      type: 'StudentEnrolled',
      data: {
        cohortId: 'c-2',
        studentId: 's-1',
        at,
        program: 'Law',
        personal: { name: 'Ada', email: 'ada@x.edu', externalId: 'A-1' },
      },
    });
    expect(command).toEqual({
      type: 'JoinCohort',
      data: {
        studentId: 's-1',
        cohortId: 'c-2',
        personal: { name: 'Ada', externalId: 'A-1' },
        program: 'Law',
        at,
      },
    });
  });

  it('ends the stay on both streams: a withdrawal leaves, a move withdraws', () => {
    const data = { cohortId: 'c-1', studentId: 's-1', at };
    expect(leaveCohortOnWithdrawal({ type: 'StudentWithdrawn', data })).toEqual({
      type: 'LeaveCohort',
      data,
    });
    const withdraw = withdrawOnLeaving({ type: 'StudentLeftCohort', data });
    expect(withdraw).toEqual({ type: 'WithdrawStudent', data });
    expect(cohortDecider.decide(withdraw, cohortDecider.initialState())).toBeInstanceOf(Error);
  });
});
