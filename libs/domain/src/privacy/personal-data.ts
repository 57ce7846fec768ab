import { type DomainEvent } from '../domain';

/**
 * Personal data lives only in an event's `personal` part (docs/adr/0024). It is sealed with
 * the data key of the person it belongs to: contacts, interviews and notes belong to their
 * student, staff records to the staff member, sign-in links to the person linked.
 */
export function personalDataOwner(data: unknown): string | null {
  if (typeof data !== 'object' || data === null || !('personal' in data)) return null;
  const d = data as { studentId?: unknown; staffId?: unknown; personId?: unknown };
  const owner = d.studentId ?? d.staffId ?? d.personId;
  return typeof owner === 'string' && owner.length > 0 ? owner : null;
}

/** What an erased person is called wherever their name was shown. */
export const ERASED_STUDENT_NAME = 'Erased student';
export const ERASED_CONTACT_NAME = 'Erased contact';
export const ERASED_STAFF_NAME = 'Erased staff member';

type WithPersonal = Extract<DomainEvent, { data: { personal: unknown } }>;
type PersonalOf<T extends WithPersonal['type']> = Extract<
  WithPersonal,
  { type: T }
>['data']['personal'];

const noContact = {
  name: ERASED_CONTACT_NAME,
  email: null,
  linkedinUrl: null,
  notes: null,
} as const;

/**
 * What each event's `personal` part reads as once its owner's key is destroyed: the same shape,
 * with nothing in it, so every fold keeps counting the event. Exhaustive on purpose: an event
 * type that gains a `personal` part does not compile until it says how it reads erased.
 */
const erasedPersonalByType: {
  [T in WithPersonal['type']]: (data: Extract<WithPersonal, { type: T }>['data']) => PersonalOf<T>;
} = {
  StudentEnrolled: () => ({ name: ERASED_STUDENT_NAME, email: '' }),
  StudentRegistered: () => ({ name: ERASED_STUDENT_NAME, email: '' }),
  StudentProfileUpdated: () => ({ name: ERASED_STUDENT_NAME, email: '' }),
  StudentRecordCorrected: () => ({ name: ERASED_STUDENT_NAME, externalId: null }),
  StudentEmailChangeRequested: () => ({ pendingEmail: '' }),
  StudentEmailChanged: () => ({ email: '' }),
  ContactAdded: () => ({ ...noContact }),
  ContactUpdated: () => ({ ...noContact }),
  InterviewRequested: () => ({ message: null }),
  InterviewRequestNudged: () => ({ message: null }),
  InterviewRequestDeclined: () => ({ reason: null }),
  InterviewScheduled: () => ({ location: null, meetingLink: null }),
  InterviewRescheduled: () => ({ location: null, meetingLink: null }),
  InterviewCancelled: () => ({ reason: null }),
  InterviewPrepared: () => ({ researchNotes: null, customQuestions: [] }),
  InterviewHeld: () => ({ notes: null, keyInsights: [], advice: null }),
  ReferralsReceived: (data) => ({
    referrals: data.referrals.map((r) => ({
      contactId: r.contactId,
      name: ERASED_CONTACT_NAME,
      email: null,
    })),
  }),
  ShadowingRequested: () => ({ note: null }),
  TouchpointRecorded: () => ({ note: null }),
  AdvisorNoteAdded: () => ({ text: '' }),
  AdvisorNoteEdited: () => ({ text: '' }),
  StaffInvited: () => ({ name: ERASED_STAFF_NAME, email: null }),
  IdentityLinked: () => ({ subject: '', email: null }),
};

/**
 * The `personal` part of an event whose owner was erased. Events of types this domain does not
 * know (or that carry no personal part) read as `{}`.
 */
export function erasedPersonal(type: string, data: unknown): unknown {
  const erased = (erasedPersonalByType as Record<string, ((data: unknown) => unknown) | undefined>)[
    type
  ];
  return erased ? erased(data) : {};
}
