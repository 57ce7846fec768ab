import { type ExpectedVersion } from './event-store.errors';
import { type Tx } from './database/database';

export interface EventMetadata {
  correlationId?: string;
  causationId?: string;
  actorId?: string;
  actorRole?: string;
  [key: string]: unknown;
}

/** An event to append. `eventId` makes retries idempotent: send the same id, get the same result. */
export interface NewEvent {
  eventId?: string;
  type: string;
  data: unknown;
  schemaVersion?: number;
  metadata?: EventMetadata;
}

export interface RecordedEvent<Data = unknown> {
  tenantId: string;
  streamId: string;
  streamVersion: number;
  globalPosition: number;
  /** The writing transaction's id (xid8, as a decimal string). */
  transactionId: string;
  eventId: string;
  type: string;
  schemaVersion: number;
  data: Data;
  metadata: EventMetadata;
  recordedAt: Date;
}

export interface AppendOptions {
  expectedVersion?: ExpectedVersion;
  /** Append inside a transaction the caller already holds (its tenant must match). */
  tx?: Tx;
  /**
   * Append through an application function that wraps `rapport_append_events` (same first four
   * parameters, same result) and keeps the named inline projections itself in the same
   * statement; `params` follow the first four. A stream it reports as moved (SQLSTATE RA004)
   * surfaces as a `ConcurrencyError` with `read` set.
   */
  via?: AppendVia;
}

export interface AppendVia {
  fn: string;
  params: readonly unknown[];
  /** Inline projections the function keeps: the store does not run them for this append. */
  covers: readonly string[];
}

export interface AppendResult {
  nextExpectedVersion: number;
  lastGlobalPosition: number;
  /** True when every event id was already stored: nothing was written this time. */
  replayed: boolean;
}

/** Where a reader of the whole log stands: transaction id first, then position. */
export interface Checkpoint {
  transactionId: string;
  globalPosition: number;
}

export const START: Checkpoint = { transactionId: '0', globalPosition: 0 };

export interface ReadPage {
  events: RecordedEvent[];
  /** Pass back to continue; unchanged when nothing new was safe to read. */
  checkpoint: Checkpoint;
}
