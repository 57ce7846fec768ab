import { Inject, Injectable, Optional } from '@nestjs/common';
import { DATA_KEYS, type DataKeys } from '@rapport/event-store';

export interface CachedState {
  version: number;
  state: unknown;
  view: unknown;
}

interface Entry extends CachedState {
  /** When it was read or written here (ms). */
  at: number;
}

/** Aggregates kept per process; a state is a few KB at most, a cohort's roster included. */
const MAX_ENTRIES = 10_000;

/**
 * The aggregate states this process last read or wrote, by tenant and stream. An entry may be
 * stale (another process wrote since): a decision made from it is checked at the write, which
 * names the stream that moved, and the executor evicts it and decides again (docs/adr/0028).
 */
@Injectable()
export class StateCache {
  private readonly entries = new Map<string, Entry>();

  constructor(@Optional() @Inject(DATA_KEYS) keys?: DataKeys | null) {
    // An erasure re-folds states at the same versions: every process forgets the tenant's.
    keys?.onDropped((tenantId) => this.evictTenant(tenantId));
  }

  get(tenantId: string, streamId: string): CachedState | undefined {
    const key = keyOf(tenantId, streamId);
    const entry = this.entries.get(key);
    if (entry) {
      // Re-inserted last: the Map's order is the eviction order.
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  /**
   * The entry if it was read or written here less than `maxAgeMs` ago: for a check that is not
   * verified at a write, and relies on being told of erasures (see the constructor).
   */
  recent(tenantId: string, streamId: string, maxAgeMs: number): CachedState | undefined {
    const entry = this.get(tenantId, streamId) as Entry | undefined;
    return entry && Date.now() - entry.at < maxAgeMs ? entry : undefined;
  }

  set(tenantId: string, streamId: string, entry: CachedState): void {
    const key = keyOf(tenantId, streamId);
    const known = this.entries.get(key);
    // A slower reader must not put back an older version than one already written.
    if (known && known.version > entry.version) return;
    this.entries.delete(key);
    this.entries.set(key, {
      version: entry.version,
      state: entry.state,
      view: entry.view,
      at: Date.now(),
    });
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
  }

  evict(tenantId: string, streamId: string): void {
    this.entries.delete(keyOf(tenantId, streamId));
  }

  /** Forgets a tenant's aggregates: an erasure re-folds states without a new version. */
  evictTenant(tenantId: string): void {
    const prefix = `${tenantId}\u0000`;
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  /** Forgets everything: states were rewritten under this process (a data migration). */
  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

function keyOf(tenantId: string, streamId: string): string {
  return `${tenantId}\u0000${streamId}`;
}
