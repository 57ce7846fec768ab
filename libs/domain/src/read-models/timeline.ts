import { AdvisorNotesEventSchemaVersions } from '../advisor-notes/advisor-notes.events';
import { type DomainEvent, type DomainEventType } from '../domain';
import {
  type InterviewFormat,
  type OutreachChannel,
  type Party,
  type TouchpointKind,
} from '../interview/interview.events';

/** One line of an activity feed. Titles and details never carry personal data. */
export interface TimelineEntry {
  /** When it was recorded (`data.at`). */
  at: string;
  kind: DomainEventType;
  title: string;
  detail?: string;
}

/**
 * Events in a student's activity that only staff may know of: the notes advisors keep on them.
 * Derived from the notes' event list, so a new kind of note event is hidden too.
 */
export const staffOnlyEventTypes: readonly DomainEventType[] = Object.keys(
  AdvisorNotesEventSchemaVersions,
) as DomainEventType[];

export interface TimelineActor {
  id: string;
  role: string;
}

/**
 * A readable feed entry, written from the student's side ("Sent an interview request by
 * email"). Only the clear-text facts of an event are used: names, emails, messages, notes and
 * places (`personal`) never appear, nor do organizations or roles (with a name they point at a
 * person). When someone other than the student recorded it, the detail says by which role.
 */
export function describeEvent(event: DomainEvent, actor: TimelineActor | null): TimelineEntry {
  const [title, ...details] = describe(event);
  const by = attribution(actor);
  const detail = [...details, ...(by ? [by] : [])].join(' · ');
  return { at: event.data.at, kind: event.type, title, ...(detail ? { detail } : {}) };
}

/** Title first, then detail parts. */
function describe(event: DomainEvent): string[] {
  switch (event.type) {
    case 'InstitutionRegistered':
      return ['Institution registered'];
    case 'InstitutionSettingsChanged':
      return ['Program settings changed', `Changed: ${event.data.changed.join(', ')}`];
    case 'InstitutionRenamed':
      return ['Institution renamed'];
    case 'IdentityProviderSet':
      return ['Sign-in provider set'];
    case 'RetentionSweepCompleted':
      return ['Retention sweep', `${event.data.erasedStudentIds.length} students erased`];
    case 'IdentityLinked':
      return ['Signed in for the first time'];
    case 'CohortCreated':
      return ['Cohort created', `${event.data.startDate} to ${event.data.endDate}`];
    case 'CohortUpdated':
      return ['Cohort details updated'];
    case 'AdvisorAssigned':
      return ['Advisor assigned to the cohort'];
    case 'AdvisorUnassigned':
      return ['Advisor removed from the cohort'];
    case 'StudentEnrolled':
      return ['Enrolled in the cohort'];
    case 'StudentWithdrawn':
      return ['Withdrew from the cohort'];
    case 'StudentRegistered':
      return ['Joined the program'];
    case 'StudentJoinedCohort':
      return ['Joined another cohort of the program'];
    case 'StudentLeftCohort':
      return ['Left a cohort'];
    case 'StudentProfileUpdated':
      return ['Updated the profile'];
    case 'StudentEmailChangeRequested':
      return ['Asked to change the email address', 'Waiting for confirmation from the new address'];
    case 'StudentEmailChanged':
      return ['Confirmed a new email address'];
    case 'StudentRecordCorrected':
      return ["The career center updated the student's record"];
    case 'DigestPreferenceSet':
      return [
        event.data.preference === 'off'
          ? 'Turned the weekly digest off'
          : 'Turned the weekly digest on',
      ];
    case 'CalendarFeedRenewed':
      return ['Made a new calendar feed link', 'Any earlier link stopped working'];
    case 'CalendarFeedRevoked':
      return ['Turned the calendar feed off'];
    case 'StudentDataExported':
      return ['Data exported'];
    case 'ContactAdded':
      return [
        event.data.referredByContactId === null
          ? `Added a contact (${label(event.data.relationship)})`
          : 'Added a referred contact',
        ...(event.data.industry ? [`Industry: ${event.data.industry}`] : []),
      ];
    case 'ContactUpdated':
      return ['Updated a contact'];
    case 'ContactArchived':
      return ['Archived a contact'];
    case 'InterviewRequested':
      return [
        `Sent an interview request ${channel(event.data.channel)}`.trim(),
        `Asked for ${event.data.askMinutes} minutes`,
      ];
    case 'InterviewRequestNudged':
      return [
        `Sent a polite reminder ${channel(event.data.channel)}`.trim(),
        `Reminder ${event.data.nudgeNumber}`,
      ];
    case 'InterviewRequestAccepted':
      return ['Request accepted'];
    case 'InterviewRequestDeclined':
      return ['Request declined'];
    case 'InterviewRequestClosedUnanswered':
      return ['Closed the request without a reply'];
    case 'InterviewScheduled':
      return [
        `Scheduled the interview (${format(event.data.format)})`,
        `For ${when(event.data.scheduledFor)}, ${event.data.durationMinutes} minutes`,
      ];
    case 'InterviewRescheduled':
      return [
        'Rescheduled the interview',
        `Now ${when(event.data.scheduledFor)}`,
        ...(event.data.requestedBy ? [`Asked by ${party(event.data.requestedBy)}`] : []),
      ];
    case 'InterviewCancelled':
      return ['Cancelled the interview', `Cancelled by ${party(event.data.cancelledBy)}`];
    case 'InterviewNoShowRecorded':
      return ['Interview missed', `Missed by ${party(event.data.missedBy)}`];
    case 'InterviewPrepared':
      return [
        'Prepared for the interview',
        ...(event.data.questionIds.length > 0
          ? [plural(event.data.questionIds.length, 'question', 'questions') + ' from the bank']
          : []),
      ];
    case 'InterviewHeld':
      return [
        event.data.format
          ? `Held the interview (${format(event.data.format)})`
          : 'Held the interview',
        ...(event.data.withoutRequest ? ['Recorded without a prior request'] : []),
        ...(event.data.questionIdsAsked.length > 0
          ? [`Asked ${plural(event.data.questionIdsAsked.length, 'question', 'questions')}`]
          : []),
      ];
    case 'ThankYouSent':
      return [`Thanked them ${channel(event.data.channel)}`.trim()];
    case 'ReferralsReceived': {
      const count = event.data.referrals.length;
      return [count === 1 ? 'Received a referral' : `Received ${count} referrals`];
    }
    case 'ShadowingRequested':
      return [event.data.kind === 'site_visit' ? 'Asked for a site visit' : 'Asked to shadow them'];
    case 'TouchpointRecorded':
      return [`Stayed in touch: ${touchpoint(event.data.kind)}`];
    case 'QuestionAdded':
      return ['Question added to the bank', `Theme: ${label(event.data.theme)}`];
    case 'QuestionRetired':
      return ['Question retired from the bank'];
    case 'AdvisorNoteAdded':
      return ['Advisor added a note'];
    case 'AdvisorNoteEdited':
      return ['Advisor edited a note'];
    case 'AdvisorNoteRetracted':
      // An admin taking down someone else's note is not the author changing their mind.
      return [
        event.data.retractedBy === 'admin'
          ? "Admin retracted a colleague's note"
          : 'Advisor retracted a note',
      ];
    case 'StaffInvited':
      return ['Staff member invited'];
    case 'StaffInvitationResent':
      return ['Staff invitation sent again'];
    case 'StaffActivated':
      return ['Staff member signed in for the first time'];
    case 'StaffDeactivated':
      return ['Staff member deactivated'];
    case 'StudentErased':
      return ['Personal data erased', `Reason: ${event.data.reason}`];
    case 'StaffMemberErased':
      return ['Staff member erased', `Reason: ${event.data.reason}`];
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

function attribution(actor: TimelineActor | null): string | null {
  if (actor === null || actor.role === 'student') return null;
  const role = label(actor.role);
  return `Recorded by ${/^[aeiou]/.test(role) ? 'an' : 'a'} ${role}`;
}

const channels: Record<OutreachChannel, string> = {
  email: 'by email',
  linkedin: 'on LinkedIn',
  phone: 'by phone',
  in_person: 'in person',
  text: 'by text message',
  other: '',
};

function channel(value: OutreachChannel): string {
  return channels[value] ?? '';
}

const formats: Record<InterviewFormat, string> = {
  coffee: 'coffee',
  in_person: 'in person',
  phone: 'phone',
  video: 'video',
};

function format(value: InterviewFormat): string {
  return formats[value] ?? label(value);
}

const touchpoints: Record<TouchpointKind, string> = {
  shared_article: 'shared an article',
  updated_on_next_steps: 'shared an update on next steps',
  met_at_event: 'met at an event',
  offered_help: 'offered help',
  follow_up_question: 'asked a follow-up question',
  other: 'got in touch',
};

function touchpoint(value: TouchpointKind): string {
  return touchpoints[value] ?? label(value);
}

function party(value: Party): string {
  return value === 'student' ? 'the student' : 'the contact';
}

/** `2025-10-20 16:00 UTC`: the feed renders local time itself if it wants to. */
function when(at: string): string {
  return `${at.slice(0, 10)} ${at.slice(11, 16)} UTC`;
}

function label(value: string): string {
  return value.replace(/_/g, ' ');
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}
