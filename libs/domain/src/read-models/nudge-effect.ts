import { type DomainEvent } from '../domain';
import { addDays } from '../shared/dates';
import {
  closesFollowUp,
  type FollowUpItem,
  followUpStepKinds,
  type FollowUpStepKind,
} from './follow-ups';
import { instant } from './instants';

/**
 * "Did the nudge work?" (docs/adr/0023): what became of the follow-ups a student's digest listed.
 * A digest is sent when it is scheduled (its content is fixed then); an item is done when the
 * student's closing step (`closesFollowUp`) is recorded, from the mail when that step carries
 * the `digestId` of a digest's link in its metadata.
 */
export const NUDGE_WINDOW_DAYS = 7;

/** A digest item as `DigestScheduled` records it: ids and instants only, no personal data. */
export interface DigestItemRef {
  kind: FollowUpStepKind;
  interviewId?: string;
  contactId?: string;
  openedAt: string;
  dueAt: string;
}

/** The `data` the student digest's `DigestScheduled` carries beyond week and message id. */
export interface StudentDigestTracking {
  studentId: string;
  /** The cohort the student was in when the digest went: its dashboard counts the digest. */
  cohortId: string | null;
  followUps: DigestItemRef[];
}

/** The items of a digest worth following, in the digest's order (the target is left out). */
export function digestItemsOf(followUps: readonly FollowUpItem[]): DigestItemRef[] {
  const items: DigestItemRef[] = [];
  for (const f of followUps) {
    if (f.kind === 'reach_target') continue;
    items.push({
      kind: f.kind,
      ...(f.interviewId !== undefined ? { interviewId: f.interviewId } : {}),
      ...(f.contactId !== undefined ? { contactId: f.contactId } : {}),
      openedAt: f.openedAt,
      dueAt: f.dueAt,
    });
  }
  return items;
}

/** One item followed after its digest. */
export interface TrackedDigestItem extends DigestItemRef {
  /** When the closing step was recorded (never before the digest went); null while open. */
  doneAt: string | null;
  /** The digest whose link the closing step came through; null when done elsewhere. */
  doneViaDigestId: string | null;
}

export interface TrackedDigest {
  digestId: string;
  studentId: string;
  cohortId: string | null;
  sentAt: string;
  /** The first time the student came back through one of its links. */
  openedAt: string | null;
  items: TrackedDigestItem[];
}

/** A digest from its `DigestScheduled` data; null for digests recorded without their items. */
export function trackedDigestOf(data: {
  messageId: string;
  at: string;
  studentId?: string;
  cohortId?: string | null;
  followUps?: DigestItemRef[];
}): TrackedDigest | null {
  if (!data.studentId || !Array.isArray(data.followUps)) return null;
  return {
    digestId: data.messageId,
    studentId: data.studentId,
    cohortId: data.cohortId ?? null,
    sentAt: instant(data.at),
    openedAt: null,
    items: data.followUps.map((i) => ({ ...i, doneAt: null, doneViaDigestId: null })),
  };
}

/** The event types that can close a digest item (a projection subscribes to these). */
export const closingEventTypes = [
  'ThankYouSent',
  'InterviewRequested',
  'InterviewRequestNudged',
  'InterviewRequestAccepted',
  'InterviewRequestDeclined',
  'InterviewRequestClosedUnanswered',
  'InterviewScheduled',
  'InterviewHeld',
  'InterviewCancelled',
  'InterviewNoShowRecorded',
  'InterviewPrepared',
  'TouchpointRecorded',
  'ContactArchived',
] as const satisfies readonly DomainEvent['type'][];
type ClosingEvent = Extract<DomainEvent, { type: (typeof closingEventTypes)[number] }>;
const closingTypes = new Set<string>(closingEventTypes);

/** The student's own step of an event, if it is one that can close a digest item. */
export function closingStepOf(event: DomainEvent): { studentId: string; at: string } | null {
  if (!closingTypes.has(event.type)) return null;
  const { studentId, at } = (event as ClosingEvent).data;
  return { studentId, at: instant(at) };
}

/**
 * The item after `event`, recorded after its digest (commit order): the first closing step
 * wins and later ones change nothing, so an answer as of an earlier instant never moves. A step
 * dated before the digest (recorded late) counts as done when the digest went.
 */
export function afterStep(
  item: TrackedDigestItem,
  sentAt: string,
  event: DomainEvent,
  viaDigestId: string | null,
): TrackedDigestItem {
  if (item.doneAt !== null || !closesFollowUp(item, event)) return item;
  const step = closingStepOf(event);
  if (!step) return item;
  return { ...item, doneAt: step.at > sentAt ? step.at : sentAt, doneViaDigestId: viaDigestId };
}

/** An event as the ledger takes it: a stored event's type, data and metadata. */
export interface NudgeHistoryEvent {
  type: string;
  data: unknown;
  metadata?: { digestId?: string };
}

/**
 * Folds a tenant's history, in commit order, into its tracked digests (for specs and as the
 * reference for the projection, which applies the same steps to stored rows).
 */
export function foldNudgeHistory(history: readonly NudgeHistoryEvent[]): TrackedDigest[] {
  const digests: TrackedDigest[] = [];
  for (const event of history) {
    if (event.type === 'DigestScheduled') {
      const digest = trackedDigestOf(event.data as Parameters<typeof trackedDigestOf>[0]);
      if (digest) digests.push(digest);
    } else if (event.type === 'DigestOpened') {
      const { messageId, at } = event.data as { messageId: string; at: string };
      const digest = digests.find((d) => d.digestId === messageId);
      if (digest && digest.openedAt === null) digest.openedAt = instant(at);
    } else {
      const domainEvent = event as unknown as DomainEvent;
      const step = closingStepOf(domainEvent);
      if (!step) continue;
      for (const digest of digests) {
        if (digest.studentId !== step.studentId) continue;
        digest.items = digest.items.map((i) =>
          afterStep(i, digest.sentAt, domainEvent, event.metadata?.digestId ?? null),
        );
      }
    }
  }
  return digests;
}

export interface NudgeEffectShares {
  doneFromMail: number;
  doneElsewhere: number;
  notDone: number;
}

export interface NudgeEffectCounts {
  /** Items of the digests sent at or before `asOf`. */
  items: number;
  /** Not done yet, and their window still open at `asOf`: neither success nor failure. */
  pending: number;
  doneFromMail: number;
  doneElsewhere: number;
  /** Window closed at `asOf` without the step. */
  notDone: number;
  /** Of the settled items (all but the pending); null when none is settled. */
  shares: NudgeEffectShares | null;
  /** Median days from the digest to the step, over the items done within the window. */
  medianDaysToAct: number | null;
}

export interface NudgeEffect extends NudgeEffectCounts {
  asOf: string;
  windowDays: number;
  digestsSent: number;
  digestsOpened: number;
  /** Every followed kind, in digest order, zeros included. */
  byKind: (NudgeEffectCounts & { kind: FollowUpStepKind })[];
}

type Outcome = 'pending' | 'doneFromMail' | 'doneElsewhere' | 'notDone';

/** What an item came to, as known at `asOf` (only steps at or before it count). */
export function outcomeOf(item: TrackedDigestItem, sentAt: string, asOf: string): Outcome {
  const windowEnd = addDays(sentAt, NUDGE_WINDOW_DAYS);
  const horizon = asOf < windowEnd ? asOf : windowEnd;
  if (item.doneAt !== null && item.doneAt <= horizon)
    return item.doneViaDigestId !== null ? 'doneFromMail' : 'doneElsewhere';
  return asOf < windowEnd ? 'pending' : 'notDone';
}

const DAY_MS = 86_400_000;

/** The effect of the digests sent at or before `asOf` (callers pass one cohort's digests). */
export function nudgeEffectOf(digests: readonly TrackedDigest[], asOf: string): NudgeEffect {
  const at = instant(asOf);
  const sent = digests.filter((d) => d.sentAt <= at);
  const all = tally();
  const byKind = new Map(followUpStepKinds.map((k) => [k, tally()]));
  for (const digest of sent) {
    for (const item of digest.items) {
      const outcome = outcomeOf(item, digest.sentAt, at);
      const days =
        outcome === 'doneFromMail' || outcome === 'doneElsewhere'
          ? (Date.parse(item.doneAt!) - Date.parse(digest.sentAt)) / DAY_MS
          : null;
      all.add(outcome, days);
      byKind.get(item.kind)?.add(outcome, days);
    }
  }
  return {
    asOf: at,
    windowDays: NUDGE_WINDOW_DAYS,
    digestsSent: sent.length,
    digestsOpened: sent.filter((d) => d.openedAt !== null && d.openedAt <= at).length,
    ...all.counts(),
    byKind: followUpStepKinds.map((kind) => ({ kind, ...byKind.get(kind)!.counts() })),
  };
}

function tally() {
  const n = { pending: 0, doneFromMail: 0, doneElsewhere: 0, notDone: 0 };
  const days: number[] = [];
  return {
    add(outcome: Outcome, d: number | null) {
      n[outcome]++;
      if (d !== null) days.push(d);
    },
    counts(): NudgeEffectCounts {
      const settled = n.doneFromMail + n.doneElsewhere + n.notDone;
      return {
        items: settled + n.pending,
        ...n,
        shares:
          settled === 0
            ? null
            : {
                doneFromMail: n.doneFromMail / settled,
                doneElsewhere: n.doneElsewhere / settled,
                notDone: n.notDone / settled,
              },
        medianDaysToAct: median(days),
      };
    },
  };
}

/** The median in days, to two decimals (about a quarter of an hour). */
function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return Math.round(value * 100) / 100;
}
