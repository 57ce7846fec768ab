/**
 * The README's picture of the student week page: docs/images/week-page.png (1000 px wide), of a
 * student with realistic content, in Debian's chromium through playwright-core.
 *
 *   npm test -- --testMatch '<rootDir>/test/screenshots/*.screenshot-spec.ts'
 *
 * Not part of CI (jest.config.js matches no `*.screenshot-spec.ts`); run it after changing the
 * page's look and commit the new image. Uses PGlite unless TEST_DATABASE_URL is set.
 */
import type { DomainCommand } from '@rapport/domain';
import { mkdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { Actor } from '../../apps/api/src/auth/actor';
import { SESSION_COOKIE, WeekSessionService } from '../../apps/api/src/week/week-session.service';
import { CommandExecutor } from '../../apps/api/src/write/command-executor';
import { freePort, launchChromium } from '../support/browser';
import { enrolledStudents, newInstitution } from '../support/builders';
import { caughtUp } from '../support/projections';
import { startTestApp, testMail } from '../support/test-app';

const DAY = 86_400_000;
const OUT = 'docs/images/week-page.png';

it('takes the week page screenshot for the README', async () => {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const t = await startTestApp({ mail: { ...testMail(), appUrl: base }, runProjections: true });
  const browser = await launchChromium();
  try {
    await t.app.listen(port, '127.0.0.1');
    const inst = await newInstitution(t, {
      name: 'Lakeside College',
      timeZone: 'America/Chicago',
    });
    const {
      studentIds: [studentId],
    } = await enrolledStudents(t, inst.adminToken, [
      { name: 'Maya Chen', email: `maya.${randomUUID().slice(0, 6)}@lakeside.test` },
    ]);
    const actor: Actor = {
      subject: `user-${studentId}`,
      tenantId: inst.tenantId,
      role: 'student',
      studentId,
    };
    const executor = t.app.get(CommandExecutor);
    const ago = (days: number) => new Date(Date.now() - days * DAY);
    const run = (at: Date, command: DomainCommand) =>
      executor.execute({ actor, correlationId: randomUUID(), now: at }, command);
    const contact = async (at: Date, name: string, organization: string) => {
      const contactId = randomUUID();
      await run(at, {
        type: 'AddContact',
        data: {
          contactId,
          studentId,
          relationship: 'acquaintance',
          organization,
          personal: { name },
          at: at.toISOString(),
        },
      });
      return contactId;
    };

    // A held interview: the thank-you is owed, and it brought a referral.
    const dana = await contact(ago(9), 'Dana Fox', 'City Hospital');
    const held = randomUUID();
    await run(ago(2), {
      type: 'RecordInterviewHeld',
      data: {
        interviewId: held,
        studentId,
        contactId: dana,
        heldAt: ago(2).toISOString(),
        format: 'video',
        personal: {},
        at: ago(2).toISOString(),
      },
    });
    const priya = randomUUID();
    await run(ago(2), {
      type: 'RecordReferrals',
      data: {
        interviewId: held,
        referrals: [
          { contactId: priya, name: 'Priya Natarajan', organization: 'Northshore Clinic' },
        ],
        at: ago(2).toISOString(),
      },
    });
    // What InterviewService's reaction adds for each referral (addContactsForReferrals).
    await run(ago(2), {
      type: 'AddContact',
      data: {
        contactId: priya,
        studentId,
        relationship: 'referral',
        organization: 'Northshore Clinic',
        referredByContactId: dana,
        personal: { name: 'Priya Natarajan', email: null },
        at: ago(2).toISOString(),
      },
    });

    // An interview that was asked for, accepted and scheduled for later this week.
    const jordan = await contact(ago(6), 'Jordan Blake', 'Riverside Design Studio');
    const upcoming = randomUUID();
    await run(ago(5), {
      type: 'SendRequest',
      data: {
        interviewId: upcoming,
        studentId,
        contactId: jordan,
        channel: 'linkedin',
        askMinutes: 30,
        proposedFormats: ['video', 'coffee'],
        at: ago(5).toISOString(),
      },
    });
    await run(ago(3), {
      type: 'RecordAcceptance',
      data: { interviewId: upcoming, at: ago(3).toISOString() },
    });
    const meeting = new Date(Date.now() + 3 * DAY);
    meeting.setUTCHours(20, 0, 0, 0);
    await run(ago(1), {
      type: 'ScheduleInterview',
      data: {
        interviewId: upcoming,
        scheduledFor: meeting.toISOString(),
        format: 'coffee',
        durationMinutes: 30,
        personal: { location: 'Blue Door Café, 5th Ave' },
        at: ago(1).toISOString(),
      },
    });
    await caughtUp(t.app);

    // A week session as the digest's link would start it.
    const { cookie } = await t.app
      .get(WeekSessionService)
      .start(inst.tenantId, studentId, 'link', null);
    const context = await browser.newContext({
      viewport: { width: 1000, height: 800 },
      deviceScaleFactor: 1,
    });
    await context.addCookies([
      {
        name: SESSION_COOKIE,
        value: cookie.value,
        domain: '127.0.0.1',
        path: '/me',
        httpOnly: true,
      },
    ]);
    const page = await context.newPage();
    await page.goto(`${base}/me`);
    expect(await page.textContent('main')).toContain('Thank Dana Fox (City Hospital)');
    expect(await page.textContent('main')).toContain('Reach out to Priya Natarajan');
    mkdirSync('docs/images', { recursive: true });
    await page.screenshot({ path: OUT, fullPage: true });
  } finally {
    await browser.close();
    await t.close();
  }
});
