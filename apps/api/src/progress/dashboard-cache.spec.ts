import type { CohortDashboard } from '@rapport/domain';
import type { KeyRing } from '@rapport/event-store';
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

/** A promise settled by the test, never by time. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/** A computation that counts its calls. */
function counted(compute: () => Promise<CohortDashboard>) {
  const fn = Object.assign(() => (fn.calls++, compute()), { calls: 0 });
  return fn;
}

const TENANT = '00000000-0000-4000-8000-000000000001';
const OTHER = '00000000-0000-4000-8000-000000000002';

describe('DashboardCache single flight', () => {
  it('computes once for concurrent misses of one cohort at one fingerprint', async () => {
    const cache = new DashboardCache();
    const gate = deferred<CohortDashboard>();
    const compute = counted(() => gate.promise);
    const answers = [1, 2, 3, 4, 5].map(() => cache.serve(TENANT, 'c', 'fp', compute, 1_000));
    gate.resolve(dashboard(7));
    expect(await Promise.all(answers)).toEqual(answers.map(() => dashboard(7)));
    expect(compute.calls).toBe(1);
    // Kept: the next request is a hit.
    expect(await cache.serve(TENANT, 'c', 'fp', compute, 1_001)).toEqual(dashboard(7));
    expect(compute.calls).toBe(1);
  });

  it('does not share a computation across fingerprints or cohorts', async () => {
    const cache = new DashboardCache();
    const compute = counted(() => Promise.resolve(dashboard(1)));
    await Promise.all([
      cache.serve(TENANT, 'c', 'fp-1', compute, 1_000),
      cache.serve(TENANT, 'c', 'fp-2', compute, 1_000),
      cache.serve(TENANT, 'd', 'fp-1', compute, 1_000),
    ]);
    expect(compute.calls).toBe(3);
  });

  it('shares a failure with those waiting on it but keeps nothing: the next request computes', async () => {
    const cache = new DashboardCache();
    const gate = deferred<CohortDashboard>();
    const failing = counted(() => gate.promise);
    const waiting = [
      cache.serve(TENANT, 'c', 'fp', failing, 1_000),
      cache.serve(TENANT, 'c', 'fp', failing, 1_000),
    ];
    gate.reject(new Error('database gone'));
    for (const answer of waiting) await expect(answer).rejects.toThrow('database gone');
    expect(failing.calls).toBe(1);
    const retry = counted(() => Promise.resolve(dashboard(2)));
    expect(await cache.serve(TENANT, 'c', 'fp', retry, 1_001)).toEqual(dashboard(2));
    expect(retry.calls).toBe(1);
  });

  it('neither keeps nor lends a computation that began before an invalidation', async () => {
    const cache = new DashboardCache();
    const before = deferred<CohortDashboard>();
    const early = cache.serve(TENANT, 'c', 'fp', () => before.promise, 1_000);
    cache.clear(TENANT);
    const after = counted(() => Promise.resolve(dashboard(2)));
    const late = cache.serve(TENANT, 'c', 'fp', after, 1_001);
    before.resolve(dashboard(1));
    expect(await early).toEqual(dashboard(1));
    expect(await late).toEqual(dashboard(2));
    expect(after.calls).toBe(1);
    // What is kept is what was computed after the invalidation.
    expect(cache.get(`${TENANT}:c`, 'fp', 1_002)).toEqual(dashboard(2));
  });

  it("forgets one institution's dashboards when told of its erasure, and keeps the others", async () => {
    let dropped: ((tenantId: string, ownerId: string) => void) | undefined;
    const keys = { onDropped: (listener: typeof dropped) => (dropped = listener) };
    const cache = new DashboardCache(keys as unknown as KeyRing);
    cache.set(`${TENANT}:c`, 'fp', dashboard(1), 1_000);
    cache.set(`${OTHER}:c`, 'fp', dashboard(2), 1_000);
    dropped!(TENANT, 'some-student');
    expect(cache.get(`${TENANT}:c`, 'fp', 1_001)).toBeNull();
    expect(cache.get(`${OTHER}:c`, 'fp', 1_001)).toEqual(dashboard(2));
  });
});
