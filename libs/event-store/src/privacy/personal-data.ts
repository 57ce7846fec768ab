import { type Tx } from '../database/database';

/**
 * How the event store finds personal data in events it does not otherwise understand: the
 * application (from the domain) says whose key seals an event's `data.personal`, and what that
 * part reads as once the key is gone (docs/adr/0024).
 */
export interface PersonalDataPolicy {
  /** The person whose data key seals `data.personal`; null when the event carries none. */
  ownerOf(type: string, data: unknown): string | null;
  /** What `data.personal` reads as after its owner's key was destroyed. */
  erased(type: string, data: unknown): unknown;
}

/**
 * Per-person data keys, one per (institution, person), wrapped by the key-encryption key and
 * stored under RLS in `data_keys`. Unwrapped keys are cached briefly in memory only.
 */
export interface DataKeys {
  /**
   * Destroys the person's key inside the caller's tenant transaction (a tombstone stays so no
   * new key is ever made for them) and tells every process to drop it from its cache when the
   * transaction commits. Idempotent.
   */
  destroy(tx: Tx, ownerId: string): Promise<void>;
  /** Whether the person's key was destroyed (erased), read inside a tenant transaction. */
  isDestroyed(tx: Tx, ownerId: string): Promise<boolean>;
  /** Called whenever this process hears of a destroyed key (its own, or another process's). */
  onDropped(listener: (tenantId: string, ownerId: string) => void): void;
}

/** Inject the `DataKeys` of the request connection with `@Inject(DATA_KEYS)`. */
export const DATA_KEYS = Symbol('DATA_KEYS');
