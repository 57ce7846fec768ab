import { type WithdrawStudent } from '../cohort/cohort.commands';
import { type StudentEnrolled, type StudentWithdrawn } from '../cohort/cohort.events';
import { type AddContact } from '../contact/contact.commands';
import { type ReferralsReceived } from '../interview/interview.events';
import {
  type JoinCohort,
  type LeaveCohort,
  type RegisterStudent,
} from '../student/student.commands';
import { type StudentLeftCohort } from '../student/student.events';

/**
 * Commands other aggregates must receive after an event, so the process managers in the API
 * stay one-liners. Each command targets a new stream; append it with `expectedVersion: none`
 * so that a replayed reaction is a harmless ALREADY_EXISTS.
 */

/** Enrolment in a cohort creates the student's own stream (stream `student-<studentId>`). */
export function registerStudentOnEnrollment(event: StudentEnrolled): RegisterStudent {
  return {
    type: 'RegisterStudent',
    data: {
      studentId: event.data.studentId,
      cohortId: event.data.cohortId,
      careerInterests: [],
      personal: { ...event.data.personal },
      ...(event.data.program === undefined ? {} : { program: event.data.program }),
      ...(event.data.graduationYear === undefined
        ? {}
        : { graduationYear: event.data.graduationYear }),
      at: event.data.at,
    },
  };
}

/**
 * Enrolment of a student the institution already has (a returning student) adds the cohort to
 * their own stream, with the new roster's record, instead of registering them again.
 */
export function joinCohortOnEnrollment(event: StudentEnrolled): JoinCohort {
  const { externalId } = event.data.personal;
  return {
    type: 'JoinCohort',
    data: {
      studentId: event.data.studentId,
      cohortId: event.data.cohortId,
      personal: {
        name: event.data.personal.name,
        ...(externalId === undefined ? {} : { externalId }),
      },
      ...(event.data.program === undefined ? {} : { program: event.data.program }),
      ...(event.data.graduationYear === undefined
        ? {}
        : { graduationYear: event.data.graduationYear }),
      at: event.data.at,
    },
  };
}

/** A withdrawal from a cohort ends the student's enrolment there, on their own stream too. */
export function leaveCohortOnWithdrawal(event: StudentWithdrawn): LeaveCohort {
  return { type: 'LeaveCohort', data: { ...event.data } };
}

/** A student who joined another cohort leaves the roster of the one they were on, at that instant. */
export function withdrawOnLeaving(event: StudentLeftCohort): WithdrawStudent {
  return { type: 'WithdrawStudent', data: { ...event.data } };
}

/** "Would you be willing to put me in touch with them?": each referral becomes a Contact. */
export function addContactsForReferrals(event: ReferralsReceived): AddContact[] {
  const personalById = new Map(event.data.personal.referrals.map((p) => [p.contactId, p]));
  return event.data.referrals.map((referral) => {
    const personal = personalById.get(referral.contactId);
    return {
      type: 'AddContact',
      data: {
        contactId: referral.contactId,
        studentId: event.data.studentId,
        relationship: 'referral',
        organization: referral.organization,
        role: referral.role,
        industry: referral.industry,
        referredByContactId: event.data.contactId,
        // Both lists come from one command; the fallback only guards a hand-made event.
        personal: { name: personal?.name ?? '(unknown)', email: personal?.email ?? null },
        at: event.data.at,
      },
    };
  });
}
