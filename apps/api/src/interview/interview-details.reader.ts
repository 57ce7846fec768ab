import { Injectable } from '@nestjs/common';
import type {
  InterviewEvent,
  OutreachChannel,
  Party,
  ShadowingKind,
  TouchpointKind,
  InterviewFormat,
} from '@rapport/domain';
import { Database, EventStore, type EventRow, type Tx } from '@rapport/event-store';

/**
 * What the student wrote down along the way. The aggregate state keeps only what decisions
 * need; notes, messages and insights stay in the events, so they are folded from there.
 */
export interface InterviewDetails {
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
  referralNames: Map<string, string>;
  shadowingRequests: { kind: ShadowingKind; at: string; note: string | null }[];
  touchpoints: { kind: TouchpointKind; occurredAt: string; note: string | null }[];
}

/** A stream and the version its state was read at: details are read up to the same version. */
export interface StreamAt {
  streamId: string;
  version: number;
}

@Injectable()
export class InterviewDetailsReader {
  constructor(
    private readonly database: Database,
    private readonly store: EventStore,
  ) {}

  /** Details of several interviews in one query, keyed by stream id. */
  async read(
    tenantId: string,
    streams: readonly StreamAt[],
    tx?: Tx,
  ): Promise<Map<string, InterviewDetails>> {
    if (streams.length === 0) return new Map();
    const byStream = new Map(streams.map((s) => [s.streamId, [] as InterviewEvent[]]));
    const query = async (t: Tx) =>
      this.store.toRecords(
        t,
        await t.query<EventRow>(
          `SELECT * FROM events WHERE tenant_id = $1 AND stream_id = ANY($2)
            ORDER BY stream_id, stream_version`,
          [t.tenantId, streams.map((s) => s.streamId)],
        ),
      );
    const recorded = await (tx ? query(tx) : this.database.withTenant(tenantId, query));
    const versions = new Map(streams.map((s) => [s.streamId, s.version]));
    for (const event of recorded) {
      // Events appended after the state was read would not match its version.
      if (event.streamVersion > (versions.get(event.streamId) ?? 0)) continue;
      byStream.get(event.streamId)?.push({ type: event.type, data: event.data } as InterviewEvent);
    }
    return new Map([...byStream].map(([streamId, events]) => [streamId, foldDetails(events)]));
  }
}

export function foldDetails(events: readonly InterviewEvent[]): InterviewDetails {
  const details: InterviewDetails = {
    proposedFormats: [],
    requestMessage: null,
    nudges: [],
    declineReason: null,
    cancellation: null,
    noShows: [],
    preparation: null,
    held: null,
    thankYouChannel: null,
    referralNames: new Map(),
    shadowingRequests: [],
    touchpoints: [],
  };
  for (const event of events) {
    switch (event.type) {
      case 'InterviewRequested':
        details.proposedFormats = event.data.proposedFormats;
        details.requestMessage = event.data.personal.message;
        break;
      case 'InterviewRequestNudged':
        details.nudges.push({
          number: event.data.nudgeNumber,
          channel: event.data.channel,
          at: event.data.at,
          message: event.data.personal.message,
        });
        break;
      case 'InterviewRequestDeclined':
        details.declineReason = event.data.personal.reason;
        break;
      case 'InterviewCancelled':
        details.cancellation = {
          cancelledBy: event.data.cancelledBy,
          reason: event.data.personal.reason,
          at: event.data.at,
        };
        break;
      case 'InterviewNoShowRecorded':
        details.noShows.push({
          missedBy: event.data.missedBy,
          scheduledFor: event.data.scheduledFor,
          at: event.data.at,
        });
        break;
      case 'InterviewPrepared':
        details.preparation = { ...event.data.personal };
        break;
      case 'InterviewHeld':
        details.held = {
          withoutRequest: event.data.withoutRequest,
          questionIdsAsked: event.data.questionIdsAsked,
          ...event.data.personal,
        };
        break;
      case 'ThankYouSent':
        details.thankYouChannel = event.data.channel;
        break;
      case 'ReferralsReceived':
        for (const { contactId, name } of event.data.personal.referrals)
          details.referralNames.set(contactId, name);
        break;
      case 'ShadowingRequested':
        details.shadowingRequests.push({
          kind: event.data.kind,
          at: event.data.at,
          note: event.data.personal.note,
        });
        break;
      case 'TouchpointRecorded':
        details.touchpoints.push({
          kind: event.data.kind,
          occurredAt: event.data.occurredAt,
          note: event.data.personal.note,
        });
        break;
      case 'InterviewRequestAccepted':
      case 'InterviewRequestClosedUnanswered':
      case 'InterviewScheduled':
      case 'InterviewRescheduled':
        // Fully kept in the aggregate state.
        break;
      default: {
        const _exhaustive: never = event;
        return _exhaustive;
      }
    }
  }
  return details;
}
