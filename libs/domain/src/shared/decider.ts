import { type DomainError } from './domain-error';

/** An event as the domain sees it: a past-tense type and its data (Emmett style). */
export interface Event<Type extends string = string, Data extends object = object> {
  readonly type: Type;
  readonly data: Data;
}

/** A command: an imperative type and its data; `data.at` is when it was issued. */
export interface Command<Type extends string = string, Data extends object = object> {
  readonly type: Type;
  readonly data: Data;
}

/**
 * One aggregate's behaviour. `decide` is pure: the clock and new ids arrive inside the command,
 * and a rejection is returned as a DomainError instead of thrown.
 */
export interface Decider<C extends Command, E extends Event, S> {
  decide(command: C, state: S): E[] | DomainError;
  evolve(state: S, event: E): S;
  initialState(): S;
}

/** Folds a stream into state with the decider's own `evolve`. */
export function fold<C extends Command, E extends Event, S>(
  decider: Decider<C, E, S>,
  events: readonly E[],
): S {
  return events.reduce((state, event) => decider.evolve(state, event), decider.initialState());
}

/** Folds the stream, then decides: the whole write-side step for a command service. */
export function handle<C extends Command, E extends Event, S>(
  decider: Decider<C, E, S>,
  events: readonly E[],
  command: C,
): E[] | DomainError {
  return decider.decide(command, fold(decider, events));
}
