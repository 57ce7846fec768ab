import type {
  InterviewEvent,
  OutreachChannel,
  Party,
  ShadowingKind,
  TouchpointKind,
  InterviewFormat,
} from '@rapport/domain';

/**
 * What the student wrote down along the way: the aggregate state keeps only what decisions
 * need. Folded inline beside the state (aggregate_states.view, docs/adr/0028), so a read is
 * one row; `evolveInterviewView` never changes the view it is given (the executor caches it).
 */
export interface InterviewView {
  proposedFormats: InterviewFormat[];
  requestMessage: string | null;
  nudges: { number: number; channel: OutreachChannel; at: string; message: string | null }[];
  declineReason: string | null;
  cancellation: { cancelledBy: Party; reason: string | null; at: string } | null;
  noShows: { missedBy: Party; scheduledFor: string; at: string }[];
  preparation: { researchNotes: string | null; customQuestions: string[] } | null;
  held: {
    withoutRequest: boolean;
    questionIdsAsked: string[];
    notes: string | null;
    keyInsights: string[];
    advice: string | null;
  } | null;
  thankYouChannel: OutreachChannel | null;
  /** Referred contact id -> the name the student gave. */
  referralNames: Record<string, string>;
  shadowingRequests: { kind: ShadowingKind; at: string; note: string | null }[];
  touchpoints: { kind: TouchpointKind; occurredAt: string; note: string | null }[];
}

export const initialInterviewView = (): InterviewView => ({
  proposedFormats: [],
  requestMessage: null,
  nudges: [],
  declineReason: null,
  cancellation: null,
  noShows: [],
  preparation: null,
  held: null,
  thankYouChannel: null,
  referralNames: {},
  shadowingRequests: [],
  touchpoints: [],
});

export function evolveInterviewView(view: InterviewView, event: InterviewEvent): InterviewView {
  switch (event.type) {
    case 'InterviewRequested':
      return {
        ...view,
        proposedFormats: event.data.proposedFormats,
        requestMessage: event.data.personal.message,
      };
    case 'InterviewRequestNudged':
      return {
        ...view,
        nudges: [
          ...view.nudges,
          {
            number: event.data.nudgeNumber,
            channel: event.data.channel,
            at: event.data.at,
            message: event.data.personal.message,
          },
        ],
      };
    case 'InterviewRequestDeclined':
      return { ...view, declineReason: event.data.personal.reason };
    case 'InterviewCancelled':
      return {
        ...view,
        cancellation: {
          cancelledBy: event.data.cancelledBy,
          reason: event.data.personal.reason,
          at: event.data.at,
        },
      };
    case 'InterviewNoShowRecorded':
      return {
        ...view,
        noShows: [
          ...view.noShows,
          {
            missedBy: event.data.missedBy,
            scheduledFor: event.data.scheduledFor,
            at: event.data.at,
          },
        ],
      };
    case 'InterviewPrepared':
      return { ...view, preparation: { ...event.data.personal } };
    case 'InterviewHeld':
      return {
        ...view,
        held: {
          withoutRequest: event.data.withoutRequest,
          questionIdsAsked: event.data.questionIdsAsked,
          ...event.data.personal,
        },
      };
    case 'ThankYouSent':
      return { ...view, thankYouChannel: event.data.channel };
    case 'ReferralsReceived': {
      const referralNames = { ...view.referralNames };
      for (const { contactId, name } of event.data.personal.referrals)
        referralNames[contactId] = name;
      return { ...view, referralNames };
    }
    case 'ShadowingRequested':
      return {
        ...view,
        shadowingRequests: [
          ...view.shadowingRequests,
          { kind: event.data.kind, at: event.data.at, note: event.data.personal.note },
        ],
      };
    case 'TouchpointRecorded':
      return {
        ...view,
        touchpoints: [
          ...view.touchpoints,
          {
            kind: event.data.kind,
            occurredAt: event.data.occurredAt,
            note: event.data.personal.note,
          },
        ],
      };
    case 'InterviewRequestAccepted':
    case 'InterviewRequestClosedUnanswered':
    case 'InterviewScheduled':
    case 'InterviewRescheduled':
      // Fully kept in the aggregate state.
      return view;
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}
