import { type StudentEnrolled } from '../cohort/cohort.events';
import { type AddContact } from '../contact/contact.commands';
import { type ReferralsReceived } from '../interview/interview.events';
import { type RegisterStudent } from '../student/student.commands';

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
