import type { INestApplication } from '@nestjs/common';
import type { DomainCommand } from '@rapport/domain';
import { signWeekSignInToken, NO_DIGEST } from '@rapport/notifications';
import { ProjectionRunner } from '@rapport/event-store';
import { DateTime } from 'luxon';
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import request from 'supertest';
import type { Actor } from '../../apps/api/src/auth/actor';
import { deterministicUuid } from '../../apps/api/src/common/ids';
import { DigestDelivery } from '../../apps/api/src/digest/digest-delivery.service';
import { DigestScheduler } from '../../apps/api/src/digest/digest-scheduler.service';
import { WeekClock } from '../../apps/api/src/week/week-session.service';
import { CommandExecutor } from '../../apps/api/src/write/command-executor';
import { axeViolations, freePort, launchChromium } from '../support/browser';
import { enrolledStudents, newInstitution } from '../support/builders';
import { graphql, ok } from '../support/graphql';
import { caughtUp } from '../support/projections';
import { SmtpSink } from '../support/smtp-sink';
import { startTestApp, testMail, TEST_UNSUBSCRIBE_SECRET, type TestApp } from '../support/test-app';

const DAY = 86_400_000;

/** A student with a held interview (thank-you outstanding) and a contact named in it. */
async function studentWithHeldInterview(t: TestApp, name = 'Ava Stone') {
  const inst = await newInstitution(t, { timeZone: 'America/Chicago' });
  const email = `ava.${randomUUID().slice(0, 6)}@students.test`;
  const {
    studentIds: [studentId],
  } = await enrolledStudents(t, inst.adminToken, [{ name, email }]);
  const actor: Actor = {
    subject: `user-${studentId}`,
    tenantId: inst.tenantId,
    role: 'student',
    studentId,
  };
  const executor = t.app.get(CommandExecutor);
  const run = (at: Date, command: DomainCommand) =>
    executor.execute({ actor, correlationId: randomUUID(), now: at }, command);
  const contactId = randomUUID();
  const interviewId = randomUUID();
  const added = new Date(Date.now() - 4 * DAY);
  await run(added, {
    type: 'AddContact',
    data: {
      contactId,
      studentId,
      relationship: 'friend',
      organization: 'City Hospital',
      personal: { name: 'Dana Fox' },
      at: added.toISOString(),
    },
  });
  const held = new Date(Date.now() - 2 * DAY);
  await run(held, {
    type: 'RecordInterviewHeld',
    data: {
      interviewId,
      studentId,
      contactId,
      heldAt: held.toISOString(),
      format: 'video',
      personal: {},
      at: held.toISOString(),
    },
  });
  return { inst, studentId, email, contactId, interviewId, actor };
}

async function followUpKinds(app: INestApplication, token: string, studentId: string) {
  const data = ok(
    await graphql(
      app,
      token,
      `
        query ($id: ID!) {
          student(id: $id) {
            followUps {
              kind
              interviewId
            }
          }
        }
      `,
      { id: studentId },
    ),
  );
  return (data.student.followUps as { kind: string }[]).map((f) => f.kind).sort();
}

async function eventsOf(t: TestApp, tenantId: string, type: string) {
  return t.db.app.database.withTenant(tenantId, (tx) =>
    tx.query<{ stream_id: string; metadata: Record<string, unknown> }>(
      `SELECT stream_id, metadata FROM events WHERE tenant_id = $1 AND type = $2`,
      [tenantId, type],
    ),
  );
}

describe('the week page in a real browser: digest → week link → one step → gone', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    // Plain http on loopback: development, so cookies are not Secure here (asserted below).
    t = await startTestApp({
      mail: { ...testMail(sink.url), appUrl: base },
      runProjections: true,
    });
    await t.app.listen(port, '127.0.0.1');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await sink?.stop();
  });

  it('signs in from a real digest, thanks with Tab/Enter, and the item is gone everywhere', async () => {
    const { inst, studentId, email, interviewId } = await studentWithHeldInterview(t);
    await caughtUp(t.app);
    const now = new Date();
    const week = DateTime.fromJSDate(now, { zone: 'utc' }).toFormat("kkkk-'W'WW");
    expect(await t.app.get(DigestScheduler).runWeek(inst.tenantId, week, now)).toBe(1);
    await t.app.get(DigestDelivery).deliverDue();
    // Enrolment mailed a welcome too: the digest is the one with the item.
    const mail = sink.messagesTo(email).find((m) => m.headers['x-rapport-digest'] === week)!;
    expect(mail.text).toContain('Thank Dana Fox (City Hospital) for the interview');
    const digestId = deterministicUuid(`${inst.tenantId}|student|${studentId}|${week}`);
    // The digest's own week link, on the app's origin.
    const linked = /\S+\/me\/sign-in\?token=[^\s"<>&]+/.exec(mail.text)?.[0];
    expect(linked).toBeDefined();
    const link = `${base}${new URL(linked!).pathname}${new URL(linked!).search}`;

    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(link);
    expect(await page.locator('h1').textContent()).toBe('Open your week');
    expect(await axeViolations(page)).toEqual([]);
    // A GET changes nothing: no session yet, no DigestOpened.
    expect((await context.cookies()).find((c) => c.name === 'rapport_week')).toBeUndefined();
    expect(await eventsOf(t, inst.tenantId, 'DigestOpened')).toEqual([]);

    await page.getByRole('button', { name: 'Open my week' }).click();
    await page.waitForURL(`${base}/me`);
    expect(await page.locator('h1').textContent()).toBe('Your week');
    const cookie = (await context.cookies()).find((c) => c.name === 'rapport_week')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: false, path: '/me' });
    expect(await eventsOf(t, inst.tenantId, 'DigestOpened')).toHaveLength(1);
    expect(await axeViolations(page)).toEqual([]);
    const thanks = page.getByRole('button', { name: 'I sent my thank-you' });
    await expect(thanks.count()).resolves.toBe(1);
    await expect(
      page.getByText('Thank Dana Fox (City Hospital) for the interview').count(),
    ).resolves.toBe(1);

    // Keyboard only: Tab until the button has focus (bounded), then Enter.
    let focused = false;
    for (let i = 0; i < 30 && !focused; i++) {
      await page.keyboard.press('Tab');
      focused = await thanks.evaluate((el) => el.matches(':focus'));
    }
    expect(focused).toBe(true);
    await Promise.all([page.waitForURL(`${base}/me`), page.keyboard.press('Enter')]);

    // Read-your-write: the page after the redirect is already without the thank-you.
    expect(await page.getByText('Thank Dana Fox (City Hospital) for the interview').count()).toBe(
      0,
    );
    expect(await page.getByRole('status').count()).toBe(0);
    expect(await page.getByText('Stay in touch with Dana Fox (City Hospital)').count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);

    const thankYous = await eventsOf(t, inst.tenantId, 'ThankYouSent');
    expect(thankYous).toHaveLength(1);
    // Acted on from the mail: the session came from the digest's link.
    expect(thankYous[0].metadata.digestId).toBe(digestId);
    await caughtUp(t.app);
    expect(await followUpKinds(t.app, await inst.studentToken(studentId), studentId)).toEqual([
      'reach_target',
      'stay_in_touch',
    ]);
    expect(interviewId).toBeDefined();
    await context.close();
  });
});

describe('week sessions and forms over HTTP: cookies, CSRF, expiry, sign-out, enrolment', () => {
  let t: TestApp;
  const ORIGIN = 'https://rapport.test';

  beforeAll(async () => {
    // The tests' app URL is https: cookies are Secure.
    t = await startTestApp({ runProjections: true });
  });
  afterAll(async () => {
    await t.close();
  });

  function weekToken(tenantId: string, studentId: string, digestId = NO_DIGEST, at = new Date()) {
    return signWeekSignInToken({ tenantId, studentId, digestId }, TEST_UNSUBSCRIBE_SECRET, at);
  }

  /** GET the button, POST it: the session cookie and the CSRF token of its page. */
  async function signIn(tenantId: string, studentId: string) {
    const server = t.app.getHttpServer();
    const token = weekToken(tenantId, studentId);
    const form = await request(server).get(`/me/sign-in?token=${encodeURIComponent(token)}`);
    expect(form.status).toBe(200);
    const binding = /name="binding" value="([^"]+)"/.exec(form.text)![1];
    const preCookie = form.headers['set-cookie'][0].split(';')[0];
    const started = await request(server)
      .post('/me/sign-in')
      .set('Cookie', preCookie)
      .set('Origin', ORIGIN)
      .type('form')
      .send({ token, binding });
    expect(started.status).toBe(303);
    expect(started.headers.location).toBe('/me');
    const setCookie = (started.headers['set-cookie'] as unknown as string[]).find((c) =>
      c.startsWith('rapport_week='),
    )!;
    const cookie = setCookie.split(';')[0];
    const page = await request(server).get('/me').set('Cookie', cookie);
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
    return { setCookie, cookie, page, csrf, token };
  }

  it('sets HttpOnly, Secure, SameSite=Lax cookies on /me, and binds the sign-in form to the browser', async () => {
    const { inst, studentId } = await studentWithHeldInterview(t);
    await caughtUp(t.app);
    const { setCookie, page, token } = await signIn(inst.tenantId, studentId);
    expect(setCookie).toMatch(/; Path=\/me/);
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/; Secure/);
    expect(setCookie).toMatch(/; SameSite=Lax/);
    expect(page.text).toContain('Thank Dana Fox (City Hospital) for the interview');
    // Login CSRF: a POST without the form's browser binding, or from another origin, starts nothing.
    const server = t.app.getHttpServer();
    const bare = await request(server).post('/me/sign-in').type('form').send({ token });
    expect(bare.status).toBe(403);
    expect(bare.headers['set-cookie']).toBeUndefined();
    const foreign = await request(server)
      .post('/me/sign-in')
      .set('Origin', 'https://evil.test')
      .type('form')
      .send({ token });
    expect(foreign.status).toBe(403);
  });

  it('refuses a POST without or with a wrong CSRF token, or from another origin: nothing recorded', async () => {
    const { inst, studentId, interviewId } = await studentWithHeldInterview(t);
    await caughtUp(t.app);
    const { cookie, csrf } = await signIn(inst.tenantId, studentId);
    expect(csrf).not.toBe('');
    const server = t.app.getHttpServer();
    const step = { kind: 'thank_you', interviewId, channel: 'email' };
    for (const attempt of [
      { body: step, origin: ORIGIN },
      { body: { ...step, csrf: `${csrf.slice(0, -2)}xx` }, origin: ORIGIN },
      { body: { ...step, csrf }, origin: 'https://evil.test' },
    ]) {
      const response = await request(server)
        .post('/me/actions')
        .set('Cookie', cookie)
        .set('Origin', attempt.origin)
        .type('form')
        .send(attempt.body);
      expect(response.status).toBe(403);
    }
    expect(await eventsOf(t, inst.tenantId, 'ThankYouSent')).toHaveLength(0);
    // The right token records it once; posting the same form again records nothing more.
    for (let i = 0; i < 2; i++) {
      const done = await request(server)
        .post('/me/actions')
        .set('Cookie', cookie)
        .set('Origin', ORIGIN)
        .type('form')
        .send({ ...step, csrf });
      expect(done.status).toBe(303);
      expect(done.headers.location).toBe('/me');
    }
    expect(await eventsOf(t, inst.tenantId, 'ThankYouSent')).toHaveLength(1);
    const after = await request(server).get('/me').set('Cookie', cookie);
    expect(after.text).not.toContain('Thank Dana Fox');
    expect(after.text).toContain('Stay in touch with Dana Fox');
  });

  it('records preparation from the week page with the question it asks for, and refuses it without one', async () => {
    const { inst, studentId, contactId, actor } = await studentWithHeldInterview(t);
    const executor = t.app.get(CommandExecutor);
    const interviewId = randomUUID();
    const asked = new Date(Date.now() - DAY);
    const context = { actor, correlationId: randomUUID(), now: asked };
    await executor.execute(context, {
      type: 'SendRequest',
      data: {
        interviewId,
        studentId,
        contactId,
        channel: 'email',
        askMinutes: 30,
        proposedFormats: ['video'],
        at: asked.toISOString(),
      },
    });
    await executor.execute(context, {
      type: 'ScheduleInterview',
      data: {
        interviewId,
        scheduledFor: new Date(Date.now() + DAY).toISOString(),
        format: 'video',
        durationMinutes: 30,
        at: asked.toISOString(),
      },
    });
    await caughtUp(t.app);
    const { cookie, csrf, page } = await signIn(inst.tenantId, studentId);
    expect(page.text).toContain('Prepare for your interview with Dana Fox');
    expect(page.text).toMatch(
      /<label for="item-\d+-question">One question you plan to ask<\/label>/,
    );
    const server = t.app.getHttpServer();
    const post = (body: object) =>
      request(server)
        .post('/me/actions')
        .set('Cookie', cookie)
        .set('Origin', ORIGIN)
        .type('form')
        .send({ kind: 'prepare', interviewId, csrf, ...body });
    expect((await post({ question: '   ' })).status).toBe(400);
    // A question over the domain's limit is the domain's to refuse: a page, not an error.
    const tooLong = await post({ question: 'Why? '.repeat(1000) });
    expect(tooLong.status).toBe(409);
    expect(tooLong.text).toContain('This step could not be recorded');
    expect(await eventsOf(t, inst.tenantId, 'InterviewPrepared')).toHaveLength(0);
    expect((await post({ question: 'What surprised you most in your first year?' })).status).toBe(
      303,
    );
    expect(await eventsOf(t, inst.tenantId, 'InterviewPrepared')).toHaveLength(1);
  });

  it('gets, renews and turns off the calendar link from the week page, only with the CSRF token', async () => {
    const { inst, studentId } = await studentWithHeldInterview(t);
    const { cookie, csrf, page } = await signIn(inst.tenantId, studentId);
    expect(page.text).toContain('id="calendar"');
    expect(page.text).toContain('Get my calendar link');
    const server = t.app.getHttpServer();
    const post = (path: string, body: object) =>
      request(server)
        .post(path)
        .set('Cookie', cookie)
        .set('Origin', ORIGIN)
        .type('form')
        .send(body);
    const feedUrl = async () => {
      const week = await request(server).get('/me').set('Cookie', cookie);
      const url = /id="calendar-url" type="url" readonly value="([^"]+)"/.exec(week.text)?.[1];
      return url ? new URL(url.replace(/&amp;/g, '&')).pathname : null;
    };

    expect((await post('/me/calendar/renew', {})).status).toBe(403);
    expect(await feedUrl()).toBeNull();
    const renewed = await post('/me/calendar/renew', { csrf });
    expect(renewed.status).toBe(303);
    expect(renewed.headers.location).toBe('/me#calendar');
    const first = (await feedUrl())!;
    const feed = await request(server).get(first);
    expect(feed.status).toBe(200);
    expect(feed.headers['content-type']).toMatch(/^text\/calendar/);

    await post('/me/calendar/renew', { csrf });
    const second = (await feedUrl())!;
    expect(second).not.toBe(first);
    expect((await request(server).get(first)).status).toBe(404);
    expect((await request(server).get(second)).status).toBe(200);

    expect((await post('/me/calendar/revoke', { csrf: 'wrong' })).status).toBe(403);
    expect((await request(server).get(second)).status).toBe(200);
    expect((await post('/me/calendar/revoke', { csrf })).status).toBe(303);
    expect((await request(server).get(second)).status).toBe(404);
    expect(await feedUrl()).toBeNull();
  });

  it('redirects only once the progress projection has passed the step, or says it is still on its way', async () => {
    const { inst, studentId, interviewId } = await studentWithHeldInterview(t);
    await caughtUp(t.app);
    const { cookie, csrf } = await signIn(inst.tenantId, studentId);
    const runner = t.app.get(ProjectionRunner);
    await runner.stop();
    try {
      const server = t.app.getHttpServer();
      const post = (body: Record<string, string>) =>
        request(server)
          .post('/me/actions')
          .set('Cookie', cookie)
          .type('form')
          .send({ ...body, csrf });
      // Nothing projects: after the bounded wait the redirect says the step is on its way.
      const slow = await post({ kind: 'thank_you', interviewId });
      expect(slow.status).toBe(303);
      expect(slow.headers.location).toBe('/me?pending=1');
      expect((await request(server).get('/me?pending=1').set('Cookie', cookie)).text).toContain(
        'Your step is saved',
      );
      // The projection catches up while the POST waits: a plain redirect.
      await caughtUp(t.app);
      const pending = post({ kind: 'stay_in_touch', interviewId, touchpoint: 'shared_article' });
      const projecting = (async () => {
        for (let i = 0; i < 500; i++)
          if ((await eventsOf(t, inst.tenantId, 'TouchpointRecorded')).length) break;
        await caughtUp(t.app);
      })();
      const [fast] = await Promise.all([pending, projecting]);
      expect(fast.headers.location).toBe('/me');
    } finally {
      runner.start();
    }
  });

  it('ends a session after 30 idle minutes, after 8 hours however busy, and at sign-out', async () => {
    const { inst, studentId } = await studentWithHeldInterview(t);
    const clock = t.app.get(WeekClock);
    const server = t.app.getHttpServer();
    const idle = await signIn(inst.tenantId, studentId);
    clock.advance(29 * 60_000);
    expect((await request(server).get('/me').set('Cookie', idle.cookie)).text).toContain(
      'Your week',
    );
    clock.advance(31 * 60_000);
    const expired = await request(server).get('/me').set('Cookie', idle.cookie);
    expect(expired.text).toContain('Sign in to your week');
    expect(expired.text).not.toContain('Dana Fox');

    const busy = await signIn(inst.tenantId, studentId);
    for (let minutes = 0; minutes < 8 * 60 - 20; minutes += 20) {
      clock.advance(20 * 60_000);
      expect((await request(server).get('/me').set('Cookie', busy.cookie)).text).toContain(
        'Your week',
      );
    }
    clock.advance(25 * 60_000);
    expect((await request(server).get('/me').set('Cookie', busy.cookie)).text).toContain(
      'Sign in to your week',
    );

    const out = await signIn(inst.tenantId, studentId);
    const signedOut = await request(server)
      .post('/me/sign-out')
      .set('Cookie', out.cookie)
      .type('form')
      .send({ csrf: out.csrf });
    expect(signedOut.status).toBe(200);
    expect(signedOut.headers['set-cookie'][0]).toMatch(/^rapport_week=;/);
    // The old cookie, kept by a careless browser, is worthless.
    expect((await request(server).get('/me').set('Cookie', out.cookie)).text).toContain(
      'Sign in to your week',
    );
  });

  it('explains how to get in without a session; offers a fresh link for an expired one', async () => {
    const { inst, studentId } = await studentWithHeldInterview(t);
    const server = t.app.getHttpServer();
    const none = await request(server).get('/me');
    expect(none.status).toBe(200);
    expect(none.text).toContain('Sign in to your week');
    const old = weekToken(inst.tenantId, studentId, NO_DIGEST, new Date(Date.now() - 15 * DAY));
    const expired = await request(server).get(`/me/sign-in?token=${encodeURIComponent(old)}`);
    expect(expired.status).toBe(400);
    expect(expired.text).toContain('action="/me/sign-in-link"');
    expect(expired.text).toContain(`value="${old}"`);
    const tampered = await request(server).get(`/me/sign-in?token=${old.slice(0, -3)}abc`);
    expect(tampered.status).toBe(400);
    expect(tampered.text).not.toContain('sign-in-link');
  });

  it('shows a withdrawn student a polite page and records nothing they post', async () => {
    const { inst, studentId, interviewId } = await studentWithHeldInterview(t);
    const { cookie, csrf } = await signIn(inst.tenantId, studentId);
    const cohortId = ok(
      await graphql(
        t.app,
        inst.adminToken,
        `
          query ($id: ID!) {
            student(id: $id) {
              cohortId
            }
          }
        `,
        {
          id: studentId,
        },
      ),
    ).student.cohortId as string;
    ok(
      await graphql(
        t.app,
        inst.adminToken,
        `
          mutation ($input: WithdrawStudentInput!) {
            withdrawStudent(input: $input) {
              cohort {
                id
              }
            }
          }
        `,
        { input: { cohortId, studentId } },
      ),
    );
    const server = t.app.getHttpServer();
    const page = await request(server).get('/me').set('Cookie', cookie);
    expect(page.status).toBe(403);
    expect(page.text).toContain('Your program has ended');
    const act = await request(server)
      .post('/me/actions')
      .set('Cookie', cookie)
      .type('form')
      .send({ kind: 'thank_you', interviewId, csrf });
    expect(act.status).toBe(403);
    expect(await eventsOf(t, inst.tenantId, 'ThankYouSent')).toHaveLength(0);
  });
});
