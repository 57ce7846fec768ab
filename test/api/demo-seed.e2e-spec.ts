import { Tenants } from '@rapport/event-store';
import {
  DEMO_SLUG,
  demoAdvisors,
  DemoSeedService,
} from '../../apps/api/src/demo/demo-seed.service';
import { startTestApp, type TestApp } from '../support/test-app';

describe('demo data', () => {
  let t: TestApp;
  let tenantId: string;
  const now = new Date('2026-11-27T15:00:00Z');

  beforeAll(async () => {
    t = await startTestApp();
    expect(await t.app.get(DemoSeedService).seedIfEmpty(now)).not.toBeNull();
    tenantId = (await new Tenants(t.db.worker.database).findBySlug(DEMO_SLUG))!.tenantId;
  });
  afterAll(() => t.close());

  const states = (kind: string) =>
    t.db.app.database.withTenant(tenantId, (tx) =>
      tx.query<{ aggregate_id: string; state: any }>(
        `SELECT aggregate_id, state FROM aggregate_states WHERE kind = $1`,
        [kind],
      ),
    );

  it('seeds two cohorts with an advisor each, invited as staff, and about forty students', async () => {
    const cohorts = await states('cohort');
    expect(cohorts).toHaveLength(2);
    expect(cohorts.map((c) => c.state.advisorIds).sort()).toEqual(
      demoAdvisors.map((a) => [a.staffId]).sort(),
    );
    const staff = (await states('staff')).map((s) => s.state);
    expect(staff.map((s) => [s.personal.email, s.status, s.role]).sort()).toEqual([
      ['james.okoro@riverside.test', 'invited', 'advisor'],
      ['maria.lopez@riverside.test', 'invited', 'advisor'],
    ]);
    expect(await states('student')).toHaveLength(40);
  });

  it('gives varied histories: students at target, stalled ones, overdue thank-yous', async () => {
    const interviews = (await states('interview')).map((i) => i.state);
    const heldByStudent = new Map<string, number>();
    for (const i of interviews)
      if (i.heldAt) heldByStudent.set(i.studentId, (heldByStudent.get(i.studentId) ?? 0) + 1);
    expect([...heldByStudent.values()].filter((n) => n >= 3).length).toBeGreaterThanOrEqual(5);
    expect(interviews.some((i) => i.heldAt && !i.thankYouSentAt)).toBe(true);
    expect(interviews.some((i) => i.status === 'declined')).toBe(true);
    expect(interviews.some((i) => i.status === 'unanswered')).toBe(true);
  });

  it('builds referral chains three deep', async () => {
    const contacts = new Map((await states('contact')).map((c) => [c.aggregate_id, c.state]));
    const depth = (id: string): number => {
      const referredBy = contacts.get(id)?.referredByContactId;
      return referredBy ? 1 + depth(referredBy) : 0;
    };
    expect(Math.max(...[...contacts.keys()].map(depth))).toBeGreaterThanOrEqual(3);
  });

  it('does not seed again when data exists', async () => {
    const before = await t.db.app.database.withTenant(tenantId, (tx) =>
      tx.query(`SELECT count(*)::int AS n FROM events`),
    );
    await t.app.get(DemoSeedService).seedIfEmpty(now);
    const after = await t.db.app.database.withTenant(tenantId, (tx) =>
      tx.query(`SELECT count(*)::int AS n FROM events`),
    );
    expect(after).toEqual(before);
  });
});
