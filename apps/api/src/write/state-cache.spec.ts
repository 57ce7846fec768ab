import type { DataKeys } from '@rapport/event-store';
import { StateCache } from './state-cache';

const T1 = '11111111-1111-4111-8111-111111111111';
const T2 = '22222222-2222-4222-8222-222222222222';
const at = (version: number) => ({ version, state: { version }, view: null });

describe('StateCache', () => {
  it('never lets a slower reader put back a version older than one it holds', () => {
    const cache = new StateCache();
    cache.set(T1, 'interview-a', at(3));
    cache.set(T1, 'interview-a', at(2));
    expect(cache.get(T1, 'interview-a')?.version).toBe(3);
    cache.set(T1, 'interview-a', at(4));
    expect(cache.get(T1, 'interview-a')?.version).toBe(4);
  });

  it('serves an unverified check only within the age it is given', () => {
    const cache = new StateCache();
    cache.set(T1, 'student-s', at(1));
    expect(cache.recent(T1, 'student-s', 60_000)?.version).toBe(1);
    expect(cache.recent(T1, 'student-s', 0)).toBeUndefined();
  });

  it("forgets one tenant's states when a data key there is dropped, and only that tenant's", () => {
    let dropped: (tenantId: string, ownerId: string) => void = () => undefined;
    const keys = { onDropped: (listener) => (dropped = listener) } as Pick<
      DataKeys,
      'onDropped'
    > as DataKeys;
    const cache = new StateCache(keys);
    cache.set(T1, 'contact-c', at(1));
    cache.set(T2, 'contact-c', at(1));
    dropped(T1, 'someone');
    expect(cache.get(T1, 'contact-c')).toBeUndefined();
    expect(cache.get(T2, 'contact-c')?.version).toBe(1);
  });

  it('holds at most 10,000 states, dropping the least recently used', () => {
    const cache = new StateCache();
    for (let i = 0; i < 10_000; i++) cache.set(T1, `contact-${i}`, at(1));
    cache.get(T1, 'contact-0'); // used: kept
    cache.set(T1, 'contact-new', at(1));
    expect(cache.size).toBe(10_000);
    expect(cache.get(T1, 'contact-0')).toBeDefined();
    expect(cache.get(T1, 'contact-1')).toBeUndefined();
  });
});
