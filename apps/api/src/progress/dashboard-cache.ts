import { Injectable } from '@nestjs/common';
import type { CohortDashboard } from '@rapport/domain';

/** How long a live dashboard may be served for a cohort whose data has not changed. */
export const DASHBOARD_TTL_MS = 5_000;
const MAX_ENTRIES = 500;

interface Entry {
  fingerprint: string;
  computedAtMs: number;
  dashboard: CohortDashboard;
}

/**
 * Live cohort dashboards, reused while the cohort's rows are unchanged (the fingerprint: the row
 * versions of its students' progress, the cohort and the settings) and for at most
 * DASHBOARD_TTL_MS of clock time, since overdue flags and risk move with the clock alone.
 * A change in the data is seen on the next request; only the clock can be 5 s behind.
 */
@Injectable()
export class DashboardCache {
  private readonly entries = new Map<string, Entry>();

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

  /** Forgets every dashboard: an erasure must not be answered from before it (docs/adr/0025). */
  clear(): void {
    this.entries.clear();
  }
}
