import { Inject, Injectable, Optional } from '@nestjs/common';
import type { CohortDashboard } from '@rapport/domain';
import { DATA_KEYS, type KeyRing } from '@rapport/event-store';

/** How long a live dashboard may be served for a cohort whose data has not changed. */
export const DASHBOARD_TTL_MS = 5_000;
const MAX_ENTRIES = 500;

interface Entry {
  fingerprint: string;
  computedAtMs: number;
  dashboard: CohortDashboard;
}

interface Flight {
  fingerprint: string;
  promise: Promise<CohortDashboard>;
}

/**
 * Live cohort dashboards, reused while the cohort's rows are unchanged (the fingerprint: the row
 * versions of its students' progress, the cohort and the settings) and for at most
 * DASHBOARD_TTL_MS of clock time, since overdue flags and risk move with the clock alone.
 * A change in the data is seen on the next request; only the clock can be 5 s behind.
 * Concurrent misses of one cohort at one fingerprint share one computation, and an erasure in
 * any process forgets its institution's dashboards here (docs/adr/0029).
 */
@Injectable()
export class DashboardCache {
  private readonly entries = new Map<string, Entry>();
  private readonly flights = new Map<string, Flight>();

  constructor(@Optional() @Inject(DATA_KEYS) keys?: KeyRing | null) {
    // Every erasure destroys a data key, which every process hears of (NOTIFY on a server).
    keys?.onDropped((tenantId) => this.clear(tenantId));
  }

  /**
   * The cohort's dashboard at this fingerprint: from memory, from the computation already under
   * way, or computed now. Only a computation that is still the current one when it ends is kept:
   * one that failed, or was overtaken by an invalidation, is not.
   */
  serve(
    tenantId: string,
    cohortId: string,
    fingerprint: string,
    compute: (at: Date) => Promise<CohortDashboard>,
    nowMs = Date.now(),
  ): Promise<CohortDashboard> {
    const key = keyOf(tenantId, cohortId);
    const cached = this.get(key, fingerprint, nowMs);
    if (cached) return Promise.resolve(cached);
    const flying = this.flights.get(key);
    if (flying?.fingerprint === fingerprint) return flying.promise;
    const flight = { fingerprint } as Flight;
    this.flights.set(key, flight);
    flight.promise = this.land(key, flight, compute, nowMs);
    return flight.promise;
  }

  private async land(
    key: string,
    flight: Flight,
    compute: (at: Date) => Promise<CohortDashboard>,
    nowMs: number,
  ): Promise<CohortDashboard> {
    try {
      const dashboard = await compute(new Date(nowMs));
      if (this.flights.get(key) === flight) this.set(key, flight.fingerprint, dashboard, nowMs);
      return dashboard;
    } finally {
      if (this.flights.get(key) === flight) this.flights.delete(key);
    }
  }

  get(key: string, fingerprint: string, nowMs: number): CohortDashboard | null {
    const entry = this.entries.get(key);
    if (!entry || entry.fingerprint !== fingerprint) return null;
    if (nowMs - entry.computedAtMs >= DASHBOARD_TTL_MS || nowMs < entry.computedAtMs) return null;
    return entry.dashboard;
  }

  set(key: string, fingerprint: string, dashboard: CohortDashboard, nowMs: number): void {
    this.entries.delete(key); // re-inserted last: the Map's order is the eviction order
    this.entries.set(key, { fingerprint, computedAtMs: nowMs, dashboard });
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
  }

  /**
   * Forgets the institution's dashboards (every institution's without one), and the
   * computations under way for them: an erasure must not be answered from before it
   * (docs/adr/0025).
   */
  clear(tenantId?: string): void {
    const prefix = tenantId === undefined ? '' : keyOf(tenantId, '');
    for (const map of [this.entries, this.flights])
      for (const key of [...map.keys()]) if (key.startsWith(prefix)) map.delete(key);
  }
}

/** The tenant id is a UUID, so the first colon ends it whatever the cohort id holds. */
export function keyOf(tenantId: string, cohortId: string): string {
  return `${tenantId}:${cohortId}`;
}
