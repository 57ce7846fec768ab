// Event builders for the read-model specs only (not exported from the index).
import { type ContactRelationship } from '../contact/contact.events';
import { type DomainEvent } from '../domain';
import {
  type InterviewFormat,
  type OutreachChannel,
  type ReceivedReferral,
  type TouchpointKind,
} from '../interview/interview.events';
import { foldStudentProgress, initialStudentProgress } from './student-progress';

export const STUDENT = 's-1';
export const COHORT = 'cohort-1';

/** `day(3, 9)` = 2025-09-03T09:00:00.000Z: specs count days from September 2025. */
export function day(d: number, hour = 9, minute = 0): string {
  return new Date(Date.UTC(2025, 8, d, hour, minute)).toISOString();
}

export function progressOf(events: DomainEvent[], studentId = STUDENT) {
  return foldStudentProgress(initialStudentProgress(studentId), events);
}

export function events(studentId = STUDENT) {
  const iref = (interviewId: string, contactId: string) => ({ interviewId, studentId, contactId });
  return {
    enrolled: (at: string, cohortId = COHORT): DomainEvent => ({
      type: 'StudentEnrolled',
      data: { cohortId, studentId, at, personal: { name: 'Ada', email: 'ada@uni.edu' } },
    }),
    registered: (at: string, cohortId = COHORT): DomainEvent => ({
      type: 'StudentRegistered',
      data: {
        studentId,
        cohortId,
        careerInterests: [],
        digestPreference: 'weekly',
        at,
        personal: { name: 'Ada', email: 'ada@uni.edu' },
      },
    }),
    withdrawn: (at: string, cohortId = COHORT): DomainEvent => ({
      type: 'StudentWithdrawn',
      data: { cohortId, studentId, at },
    }),
    digest: (at: string, preference: 'weekly' | 'off'): DomainEvent => ({
      type: 'DigestPreferenceSet',
      data: { studentId, preference, at },
    }),
    contact: (
      contactId: string,
      at: string,
      facts: {
        relationship?: ContactRelationship;
        organization?: string | null;
        role?: string | null;
        industry?: string | null;
        referredByContactId?: string | null;
      } = {},
    ): DomainEvent => ({
      type: 'ContactAdded',
      data: {
        contactId,
        studentId,
        relationship: facts.relationship ?? 'friend',
        organization: facts.organization ?? null,
        role: facts.role ?? null,
        industry: facts.industry ?? null,
        referredByContactId: facts.referredByContactId ?? null,
        at,
        personal: { name: 'Pat Doe', email: null, linkedinUrl: null, notes: null },
      },
    }),
    contactUpdated: (
      contactId: string,
      at: string,
      facts: { relationship: ContactRelationship; industry?: string | null },
    ): DomainEvent => ({
      type: 'ContactUpdated',
      data: {
        contactId,
        studentId,
        relationship: facts.relationship,
        organization: null,
        role: null,
        industry: facts.industry ?? null,
        at,
        personal: { name: 'Pat Doe', email: null, linkedinUrl: null, notes: null },
      },
    }),
    archived: (contactId: string, at: string): DomainEvent => ({
      type: 'ContactArchived',
      data: { contactId, studentId, at },
    }),
    requested: (
      interviewId: string,
      contactId: string,
      at: string,
      channel: OutreachChannel = 'email',
    ): DomainEvent => ({
      type: 'InterviewRequested',
      data: {
        ...iref(interviewId, contactId),
        channel,
        askMinutes: 30,
        proposedFormats: ['coffee'],
        at,
        personal: { message: 'Hello' },
      },
    }),
    nudged: (interviewId: string, contactId: string, at: string, nudgeNumber = 1): DomainEvent => ({
      type: 'InterviewRequestNudged',
      data: {
        ...iref(interviewId, contactId),
        channel: 'email',
        nudgeNumber,
        at,
        personal: { message: null },
      },
    }),
    accepted: (interviewId: string, contactId: string, at: string): DomainEvent => ({
      type: 'InterviewRequestAccepted',
      data: { ...iref(interviewId, contactId), at },
    }),
    declined: (interviewId: string, contactId: string, at: string): DomainEvent => ({
      type: 'InterviewRequestDeclined',
      data: { ...iref(interviewId, contactId), at, personal: { reason: 'Too busy' } },
    }),
    unanswered: (interviewId: string, contactId: string, at: string): DomainEvent => ({
      type: 'InterviewRequestClosedUnanswered',
      data: { ...iref(interviewId, contactId), at },
    }),
    scheduled: (
      interviewId: string,
      contactId: string,
      at: string,
      scheduledFor: string,
      format: InterviewFormat = 'coffee',
    ): DomainEvent => ({
      type: 'InterviewScheduled',
      data: {
        ...iref(interviewId, contactId),
        scheduledFor,
        format,
        durationMinutes: 30,
        impliesAcceptance: true,
        at,
        personal: { location: 'Cafe', meetingLink: null },
      },
    }),
    rescheduled: (
      interviewId: string,
      contactId: string,
      at: string,
      scheduledFor: string,
      previousScheduledFor: string,
    ): DomainEvent => ({
      type: 'InterviewRescheduled',
      data: {
        ...iref(interviewId, contactId),
        scheduledFor,
        previousScheduledFor,
        format: 'video',
        durationMinutes: 30,
        requestedBy: 'contact',
        at,
        personal: { location: null, meetingLink: null },
      },
    }),
    cancelled: (interviewId: string, contactId: string, at: string): DomainEvent => ({
      type: 'InterviewCancelled',
      data: {
        ...iref(interviewId, contactId),
        cancelledBy: 'contact',
        at,
        personal: { reason: null },
      },
    }),
    noShow: (
      interviewId: string,
      contactId: string,
      at: string,
      scheduledFor: string,
    ): DomainEvent => ({
      type: 'InterviewNoShowRecorded',
      data: { ...iref(interviewId, contactId), missedBy: 'contact', scheduledFor, at },
    }),
    prepared: (interviewId: string, contactId: string, at: string): DomainEvent => ({
      type: 'InterviewPrepared',
      data: {
        ...iref(interviewId, contactId),
        questionIds: ['q-typical-day'],
        at,
        personal: { researchNotes: 'Read their blog', customQuestions: [] },
      },
    }),
    held: (
      interviewId: string,
      contactId: string,
      heldAt: string,
      options: {
        at?: string;
        format?: InterviewFormat | null;
        questionIdsAsked?: string[];
        withoutRequest?: boolean;
      } = {},
    ): DomainEvent => ({
      type: 'InterviewHeld',
      data: {
        ...iref(interviewId, contactId),
        heldAt,
        format: options.format === undefined ? 'coffee' : options.format,
        questionIdsAsked: options.questionIdsAsked ?? [],
        withoutRequest: options.withoutRequest ?? false,
        at: options.at ?? heldAt,
        personal: { notes: 'Private notes', keyInsights: [], advice: null },
      },
    }),
    thanked: (
      interviewId: string,
      contactId: string,
      sentAt: string,
      at = sentAt,
    ): DomainEvent => ({
      type: 'ThankYouSent',
      data: { ...iref(interviewId, contactId), sentAt, channel: 'email', at },
    }),
    referrals: (
      interviewId: string,
      contactId: string,
      at: string,
      referrals: (Partial<ReceivedReferral> & { contactId: string })[],
    ): DomainEvent => ({
      type: 'ReferralsReceived',
      data: {
        ...iref(interviewId, contactId),
        referrals: referrals.map((r) => ({
          contactId: r.contactId,
          organization: r.organization ?? null,
          role: r.role ?? null,
          industry: r.industry ?? null,
        })),
        at,
        personal: {
          referrals: referrals.map((r) => ({
            contactId: r.contactId,
            name: 'Sam Roe',
            email: null,
          })),
        },
      },
    }),
    shadowing: (interviewId: string, contactId: string, at: string): DomainEvent => ({
      type: 'ShadowingRequested',
      data: { ...iref(interviewId, contactId), kind: 'shadowing', at, personal: { note: null } },
    }),
    touchpoint: (
      interviewId: string,
      contactId: string,
      occurredAt: string,
      kind: TouchpointKind = 'shared_article',
      at = occurredAt,
    ): DomainEvent => ({
      type: 'TouchpointRecorded',
      data: { ...iref(interviewId, contactId), kind, occurredAt, at, personal: { note: null } },
    }),
  };
}
