import { advisorNotesDecider } from './advisor-notes/advisor-notes.decider';
import { cohortDecider } from './cohort/cohort.decider';
import { contactDecider } from './contact/contact.decider';
import { type DomainCommand, type DomainEvent } from './domain';
import { identityDecider } from './identity/identity.decider';
import { institutionDecider } from './institution/institution.decider';
import { interviewDecider } from './interview/interview.decider';
import { questionBankDecider } from './question-bank/question-bank.decider';
import { type Decider } from './shared/decider';
import { type StreamKind } from './shared/stream-ids';
import { staffDecider } from './staff/staff.decider';
import { studentDecider } from './student/student.decider';

/** Every aggregate's decider, by the kind of stream it holds; typed per aggregate, moved as data. */
export const decidersByKind = {
  institution: institutionDecider,
  cohort: cohortDecider,
  student: studentDecider,
  contact: contactDecider,
  interview: interviewDecider,
  questionBank: questionBankDecider,
  advisorNotes: advisorNotesDecider,
  identity: identityDecider,
  staff: staffDecider,
} as unknown as Readonly<Record<StreamKind, Decider<DomainCommand, DomainEvent, unknown>>>;
