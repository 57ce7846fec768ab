export type ExpectedVersion = 'any' | 'noStream' | 'streamExists' | number;

export enum EventStoreErrorCode {
  WrongExpectedVersion = 'WRONG_EXPECTED_VERSION',
  EventIdReused = 'EVENT_ID_REUSED',
  InvalidAppend = 'INVALID_APPEND',
  /** Personal data for a person whose data key was destroyed (erased) cannot be recorded. */
  PersonErased = 'PERSON_ERASED',
  /** A sealed personal part failed authentication (tampered with, or moved between events). */
  SealBroken = 'SEAL_BROKEN',
}

/** One error class for the module; the code says which rule was broken. */
export class EventStoreError extends Error {
  constructor(
    readonly code: EventStoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EventStoreError';
  }
}

/**
 * Another writer got there first: `actual` is the stream's version now (0 = no stream). With
 * `read`, the stream is one the decision read rather than the one appended to.
 */
export class ConcurrencyError extends EventStoreError {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: number,
    readonly read = false,
  ) {
    super(
      EventStoreErrorCode.WrongExpectedVersion,
      `stream ${streamId}: expected version ${String(expected)}, actual ${actual}`,
    );
    this.name = 'ConcurrencyError';
  }
}
