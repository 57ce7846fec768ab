import type { CohortDashboard } from '@rapport/domain';
import { DASHBOARD_TTL_MS, DashboardCache } from './dashboard-cache';

const dashboard = (students: number) => ({ students }) as unknown as CohortDashboard;

describe('DashboardCache', () => {
  it('serves a dashboard while the fingerprint is unchanged and the clock is within the TTL', () => {
    const cache = new DashboardCache();
    cache.set('t:c', 'fp-1', dashboard(3), 1_000);
    expect(cache.get('t:c', 'fp-1', 1_000 + DASHBOARD_TTL_MS - 1)).toEqual(dashboard(3));
  });

  it('misses as soon as the data changed', () => {
    const cache = new DashboardCache();
    cache.set('t:c', 'fp-1', dashboard(3), 1_000);
    expect(cache.get('t:c', 'fp-2', 1_001)).toBeNull();
  });

  it('misses once the clock moved past the TTL, or backwards', () => {
    const cache = new DashboardCache();
    cache.set('t:c', 'fp-1', dashboard(3), 1_000);
    expect(cache.get('t:c', 'fp-1', 1_000 + DASHBOARD_TTL_MS)).toBeNull();
    expect(cache.get('t:c', 'fp-1', 999)).toBeNull();
  });

  it('keeps cohorts apart', () => {
    const cache = new DashboardCache();
    cache.set('t:a', 'fp', dashboard(1), 1_000);
    expect(cache.get('t:b', 'fp', 1_000)).toBeNull();
  });

  it('evicts the least recently stored once full', () => {
    const cache = new DashboardCache();
    for (let i = 0; i <= 500; i++) cache.set(`t:${i}`, 'fp', dashboard(i), 1_000);
    expect(cache.get('t:0', 'fp', 1_000)).toBeNull();
    expect(cache.get('t:500', 'fp', 1_000)).toEqual(dashboard(500));
  });
});
