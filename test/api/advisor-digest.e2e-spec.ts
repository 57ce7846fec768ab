import { Tenants } from '@rapport/event-store';
import { DEMO_SLUG, DemoSeedService } from '../../apps/api/src/demo/demo-seed.service';
import { DigestDelivery } from '../../apps/api/src/digest/digest-delivery.service';
import { DigestScheduler } from '../../apps/api/src/digest/digest-scheduler.service';
import { caughtUp } from '../support/projections';
import { SmtpSink } from '../support/smtp-sink';
import { startTestApp, testMail, type TestApp } from '../support/test-app';

// The demo's advisors are staff members with an email, so they get the weekly advisor digest.
describe('advisor digest', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let tenantId: string;
  // Monday 2026-11-30 08:05 in Chicago (CST, UTC-6): the demo institution's slot.
  const slot = new Date('2026-11-30T14:05:00Z');

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await startTestApp({ mail: testMail(sink.url) });
    await t.app.get(DemoSeedService).seedIfEmpty(new Date('2026-11-27T15:00:00Z'));
    await caughtUp(t.app);
    tenantId = (await new Tenants(t.db.worker.database).findBySlug(DEMO_SLUG))!.tenantId;
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it("tells each advisor about their own cohort's students at risk, with reasons", async () => {
    await t.app.get(DigestScheduler).runIfDue(tenantId, slot);
    await t.app.get(DigestDelivery).deliverDue();

    const maria = sink.messagesTo('maria.lopez@riverside.test');
    const james = sink.messagesTo('james.okoro@riverside.test');
    expect(maria).toHaveLength(1);
    expect(james).toHaveLength(1);
    expect(maria[0].html).toContain('Health Careers Exploration');
    expect(maria[0].html).not.toContain('Tech &amp; Business Pathways');
    expect(james[0].html).toContain('Tech &amp; Business Pathways');
    expect(maria[0].html).toContain('Riverside State University');
    // Greeted by name: the staff member's, sent to the staff member's email.
    expect(maria[0].text).toContain('Hi Maria Lopez,');
    expect(maria[0].html).toContain('Hi Maria Lopez,');
    expect(james[0].text).toContain('Hi James Okoro,');
    expect(maria[0].text).not.toContain('Hello,');
    expect(maria[0].text).toMatch(/no activity|overdue|no interview/i);
    expect(maria[0].headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    // Students got theirs too, each exactly once.
    const students = sink.messages.filter((m) =>
      m.to.some((to) => to.endsWith('@students.riverside.test')),
    );
    expect(students.length).toBeGreaterThan(20);
    expect(new Set(students.map((m) => m.to.join())).size).toBe(students.length);
  });
});
