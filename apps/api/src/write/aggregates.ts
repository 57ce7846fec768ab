import {
  type Decider,
  decidersByKind as domainDeciders,
  parseStreamId,
  type StreamKind,
} from '@rapport/domain';
import { evolveInterviewView, initialInterviewView } from '../interview/interview.view';

// The store moves events as plain data; the deciders' own types are per aggregate.
type AnyDecider = Decider<never, { type: string; data: object }, unknown>;
type AnyEvent = { type: string; data: object };

export const decidersByKind = domainDeciders as unknown as Readonly<Record<StreamKind, AnyDecider>>;

/** What readers of an aggregate need beyond its decisions, folded beside its state. */
export interface AggregateView {
  initial(): unknown;
  /** Must not change the view it is given: the executor caches it. */
  evolve(view: unknown, event: AnyEvent): unknown;
}

export const viewsByKind: Partial<Record<StreamKind, AggregateView>> = {
  interview: { initial: initialInterviewView, evolve: evolveInterviewView },
};

export interface StreamAggregate {
  kind: StreamKind;
  id: string | null;
  decider: AnyDecider;
}

/** Which aggregate a stream holds, and the decider that folds it. */
export function aggregateOf(streamId: string): StreamAggregate {
  const parsed = parseStreamId(streamId);
  if (!parsed) throw new Error(`stream ${streamId} belongs to no aggregate`);
  return { ...parsed, decider: decidersByKind[parsed.kind] };
}

/** An aggregate's state and view before its first event. */
export function initialFold(kind: StreamKind): Fold {
  return { state: decidersByKind[kind].initialState(), view: viewsByKind[kind]?.initial() ?? null };
}

export interface Fold {
  state: unknown;
  /** Null for kinds without a view, and for rows stored before views existed (a reader folds the stream). */
  view: unknown;
}

/**
 * The one fold of an aggregate's events, used by the command executor, the inline projection,
 * its rebuild and erasure. A view that is missing at a version above 0 (stored before views
 * existed) stays missing rather than being folded from the middle of the stream.
 */
export function foldEvents(
  kind: StreamKind,
  from: Fold,
  fromVersion: number,
  events: readonly AnyEvent[],
): Fold {
  const { evolve } = decidersByKind[kind];
  const viewOf = viewsByKind[kind];
  let state = from.state;
  let view =
    viewOf && (from.view !== null || fromVersion === 0) ? (from.view ?? viewOf.initial()) : null;
  for (const event of events) {
    state = evolve(state, event);
    if (view !== null) view = viewOf!.evolve(view, event);
  }
  return { state, view };
}

/** The student and cohort an aggregate belongs to, lifted out of its state for lookups. */
export function ownersOf(
  kind: StreamKind,
  aggregateId: string | null,
  state: unknown,
): { studentId: string | null; cohortId: string | null } {
  const lifted = state as { studentId?: string; cohortId?: string };
  return {
    studentId: kind === 'student' ? aggregateId : (lifted.studentId ?? null),
    cohortId: kind === 'cohort' ? aggregateId : (lifted.cohortId ?? null),
  };
}
