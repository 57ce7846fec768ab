import type { Actor } from '../auth/actor';

/** Who issued a command, when, and how to recognise a retry of it. */
export interface CommandContext {
  actor: Actor;
  correlationId: string;
  /** Sent again by a client retrying the same mutation: the first result is returned. */
  clientMutationId?: string;
  now: Date;
  /** The digest (its message id) whose link the step was taken from; recorded in metadata. */
  digestId?: string;
}
