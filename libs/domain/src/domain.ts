import { type AdvisorNotesCommand } from './advisor-notes/advisor-notes.commands';
import {
  AdvisorNotesEventSchemaVersions,
  type AdvisorNotesEvent,
} from './advisor-notes/advisor-notes.events';
import { type CohortCommand } from './cohort/cohort.commands';
import { CohortEventSchemaVersions, type CohortEvent } from './cohort/cohort.events';
import { type ContactCommand } from './contact/contact.commands';
import { ContactEventSchemaVersions, type ContactEvent } from './contact/contact.events';
import { type InstitutionCommand } from './institution/institution.commands';
import {
  InstitutionEventSchemaVersions,
  type InstitutionEvent,
} from './institution/institution.events';
import { type IdentityCommand } from './identity/identity.commands';
import { IdentityEventSchemaVersions, type IdentityEvent } from './identity/identity.events';
import { type InterviewCommand } from './interview/interview.commands';
import { InterviewEventSchemaVersions, type InterviewEvent } from './interview/interview.events';
import { type QuestionBankCommand } from './question-bank/question-bank.commands';
import {
  QuestionBankEventSchemaVersions,
  type QuestionBankEvent,
} from './question-bank/question-bank.events';
import { streamIds } from './shared/stream-ids';
import { type StaffCommand } from './staff/staff.commands';
import { StaffEventSchemaVersions, type StaffEvent } from './staff/staff.events';
import { type StudentCommand } from './student/student.commands';
import { StudentEventSchemaVersions, type StudentEvent } from './student/student.events';

/** Every event the domain records; projections switch on `type`. */
export type DomainEvent =
  | InstitutionEvent
  | CohortEvent
  | StudentEvent
  | ContactEvent
  | InterviewEvent
  | QuestionBankEvent
  | AdvisorNotesEvent
  | IdentityEvent
  | StaffEvent;

export type DomainEventType = DomainEvent['type'];

export type DomainCommand =
  | InstitutionCommand
  | CohortCommand
  | StudentCommand
  | ContactCommand
  | InterviewCommand
  | QuestionBankCommand
  | AdvisorNotesCommand
  | IdentityCommand
  | StaffCommand;

/** The schema version to store with each event type; bump one together with an upcaster. */
export const eventSchemaVersions: Readonly<Record<DomainEventType, number>> = {
  ...InstitutionEventSchemaVersions,
  ...CohortEventSchemaVersions,
  ...StudentEventSchemaVersions,
  ...ContactEventSchemaVersions,
  ...InterviewEventSchemaVersions,
  ...QuestionBankEventSchemaVersions,
  ...AdvisorNotesEventSchemaVersions,
  ...IdentityEventSchemaVersions,
  ...StaffEventSchemaVersions,
};

export function isDomainEventType(type: string): type is DomainEventType {
  return Object.hasOwn(eventSchemaVersions, type);
}

/** The stream a command is decided against (and its events appended to). */
export function streamIdForCommand(command: DomainCommand): string {
  switch (command.type) {
    case 'RegisterInstitution':
    case 'ChangeInstitutionSettings':
    case 'RenameInstitution':
    case 'SetIdentityProvider':
      return streamIds.institution();
    case 'LinkIdentity':
      return streamIds.identity(command.data.personId);
    case 'CreateCohort':
    case 'UpdateCohort':
    case 'AssignAdvisor':
    case 'UnassignAdvisor':
    case 'EnrollStudents':
    case 'WithdrawStudent':
      return streamIds.cohort(command.data.cohortId);
    case 'RegisterStudent':
    case 'UpdateStudentProfile':
    case 'ConfirmStudentEmailChange':
    case 'CorrectStudentRecord':
    case 'JoinCohort':
    case 'LeaveCohort':
    case 'SetDigestPreference':
    case 'RenewCalendarFeed':
    case 'RevokeCalendarFeed':
    case 'EraseStudent':
      return streamIds.student(command.data.studentId);
    case 'AddContact':
    case 'UpdateContact':
    case 'ArchiveContact':
      return streamIds.contact(command.data.contactId);
    case 'AddQuestion':
    case 'RetireQuestion':
      return streamIds.questionBank();
    case 'AddAdvisorNote':
    case 'EditAdvisorNote':
    case 'RetractAdvisorNote':
      return streamIds.advisorNotes(command.data.studentId);
    case 'InviteStaff':
    case 'ResendStaffInvitation':
    case 'ActivateStaff':
    case 'DeactivateStaff':
    case 'EraseStaffMember':
      return streamIds.staff(command.data.staffId);
    case 'SendRequest':
    case 'NudgeRequest':
    case 'RecordAcceptance':
    case 'RecordDecline':
    case 'CloseUnanswered':
    case 'ScheduleInterview':
    case 'RescheduleInterview':
    case 'CancelInterview':
    case 'RecordNoShow':
    case 'RecordPreparation':
    case 'RecordInterviewHeld':
    case 'RecordThankYou':
    case 'RecordReferrals':
    case 'RequestShadowing':
    case 'RecordTouchpoint':
      return streamIds.interview(command.data.interviewId);
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}
