import {
  FOLLOW_UP_ACTION_PURPOSE,
  NO_DIGEST,
  signFollowUpActionToken,
  signToken,
  signWeekSignInToken,
  verifyFollowUpActionToken,
  verifyWeekSignInToken,
} from '@rapport/notifications';
import { Writable } from 'node:stream';
import request from 'supertest';
import type { DigestConfig } from '../../apps/api/src/config/app-config';
import { DigestDelivery } from '../../apps/api/src/digest/digest-delivery.service';
import { graphql, ok } from '../support/graphql';
import { caughtUp } from '../support/projections';
import { SmtpSink, type SunkMessage } from '../support/smtp-sink';
import {
  admin,
  type DigestScenario,
  linksOf,
  runAs,
  studentDigestScenario,
} from '../support/student-digest';
import {
  startInstance,
  startTestApp,
  TEST_UNSUBSCRIBE_SECRET,
  testMail,
  type TestApp,
} from '../support/test-app';

const DIGEST: DigestConfig = {
  enabled: false,
  tickMs: 60_000,
  deliveryMs: 1_000,
  maxAttempts: 3,
  retryBaseMs: 1,
};
const SECRET = TEST_UNSUBSCRIBE_SECRET;
const DAY = 86_400_000;

interface StoredEvent {
  type: string;
  stream_id: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

describe('one-click actions from the digest', () => {
  let t: TestApp;
  let sink: SmtpSink;
  let logs = '';

  beforeAll(async () => {
    sink = await SmtpSink.start();
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs += chunk.toString();
        done();
      },
    });
    t = await startTestApp({
      mail: testMail(sink.url),
      digest: DIGEST,
      log: { level: 'info', destination },
    });
  });
  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  const server = () => request(t.app.getHttpServer());
  const events = (tenantId: string) =>
    t.db.owner.database.withTenant(tenantId, (tx) =>
      tx.query<StoredEvent>(
        `SELECT type, stream_id, data, metadata FROM events ORDER BY global_position`,
      ),
    );
  const post = (token: string, form: Record<string, string> = {}) =>
    server()
      .post('/act')
      .type('form')
      .send({ token, ...form });

  /** The digest's action tokens by follow-up kind. */
  function actionTokens(mail: SunkMessage): Record<string, string> {
    const tokens: Record<string, string> = {};
    for (const link of linksOf(mail).html) {
      const url = new URL(link);
      if (url.pathname !== '/act') continue;
      const token = url.searchParams.get('token')!;
      const verified = verifyFollowUpActionToken(token, SECRET, new Date());
      if (!verified.ok) throw new Error(`an action link does not verify: ${verified.reason}`);
      tokens[verified.payload.kind] = token;
    }
    return tokens;
  }

  async function followUps(s: DigestScenario) {
    await caughtUp(t.app);
    return ok(
      await graphql(
        t.app,
        s.inst.adminToken,
        `
          query ($id: ID!) {
            student(id: $id) {
              followUps {
                kind
                interviewId
                contactId
                openedAt
              }
            }
          }
        `,
        { id: s.student.studentId },
      ),
    ).student.followUps as {
      kind: string;
      interviewId: string | null;
      contactId: string | null;
      openedAt: string;
    }[];
  }

  function weekLinkOf(page: string): string {
    const match = /<a href="([^"]+)">See your week in Rapport<\/a>/.exec(page);
    if (!match) throw new Error('no week link on the page');
    return match[1].replaceAll('&amp;', '&');
  }

  function expectNoPersonalData(s: DigestScenario, text: string) {
    for (const secret of s.personal) expect(text).not.toContain(secret);
  }

  it('GET shows the step and records nothing; POST records it once, from the mail', async () => {
    const s = await studentDigestScenario(t, sink);
    const { tenantId } = s.inst;
    const { thank_you: token } = actionTokens(s.mail);
    const before = (await events(tenantId)).length;

    const page = await server().get(`/act?token=${encodeURIComponent(token)}`);
    expect(page.status).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.text).toContain('<html lang="en">');
    expect(page.text).toContain('<form method="post" action="/act">');
    expect(page.text).toContain('<label for="channel">How did you send it?</label>');
    expect(page.text).toContain('<select id="channel" name="channel">');
    expect(page.text).toContain('<option value="email" selected>Email</option>');
    expect(page.text).toContain('<button type="submit">I sent my thank-you</button>');
    expectNoPersonalData(s, page.text);
    // Mail scanners prefetch links: a GET (even twice) changes nothing.
    await server()
      .get(`/act?token=${encodeURIComponent(token)}`)
      .expect(200);
    expect(await events(tenantId)).toHaveLength(before);

    const done = await post(token, { channel: 'linkedin' });
    expect(done.status).toBe(200);
    expect(done.text).toContain('<h1>Done</h1>');
    expect(done.text).toContain('Your thank-you is recorded.');
    const after = await events(tenantId);
    const thanked = after.filter((e) => e.type === 'ThankYouSent' && e.metadata.digestId);
    expect(thanked).toHaveLength(1);
    expect(thanked[0]).toMatchObject({
      stream_id: `interview-${s.interviews.thankYou}`,
      data: { channel: 'linkedin' },
      metadata: {
        digestId: s.digestId,
        actorId: `student-web-${s.student.studentId}`,
        actorRole: 'student',
      },
    });
    // The student came back through the digest: recorded once, by an action link.
    const opened = after.filter((e) => e.type === 'DigestOpened');
    expect(opened).toHaveLength(1);
    expect(opened[0].data).toMatchObject({ messageId: s.digestId, via: 'action-link' });
    expect(after).toHaveLength(before + 2);
    // The page links to the week with a fresh sign-in link from the same digest.
    const week = new URL(weekLinkOf(done.text));
    expect(week.pathname).toBe('/me/sign-in');
    expect(verifyWeekSignInToken(week.searchParams.get('token'), SECRET, new Date())).toMatchObject(
      {
        ok: true,
        payload: { tenantId, studentId: s.student.studentId, digestId: s.digestId },
      },
    );

    // A repeated POST (a double click, before the projection caught up) records nothing.
    const again = await post(token, { channel: 'linkedin' });
    expect(again.status).toBe(200);
    expect(again.text).toContain('<h1>Already done</h1>');
    expect(await events(tenantId)).toHaveLength(before + 2);

    const open = await followUps(s);
    expect(open.filter((f) => f.kind === 'thank_you')).toEqual([]);
    expect(open.map((f) => f.kind)).toEqual(
      expect.arrayContaining(['nudge', 'prepare', 'reach_out_to_referral', 'stay_in_touch']),
    );
    // Once projected, the link's page says so, without a button.
    const later = await server().get(`/act?token=${encodeURIComponent(token)}`);
    expect(later.text).toContain('<h1>Already done</h1>');
    expect(later.text).not.toContain('<form');
    expect(await events(tenantId)).toHaveLength(before + 2);
  });

  it("takes every kind's step with its choice, each marked as acted on from the mail", async () => {
    const s = await studentDigestScenario(t, sink, 'Ben Ortiz');
    const tokens = actionTokens(s.mail);
    expect(Object.keys(tokens).sort()).toEqual([
      'nudge',
      'prepare',
      'reach_out_to_referral',
      'stay_in_touch',
      'thank_you',
    ]);
    const touch = await server().get(`/act?token=${encodeURIComponent(tokens.stay_in_touch)}`);
    expect(touch.text).toContain('<label for="touchpoint">How did you stay in touch?</label>');
    expect(touch.text).toContain('<option value="other" selected>');
    const prep = await server().get(`/act?token=${encodeURIComponent(tokens.prepare)}`);
    expect(prep.text).not.toContain('<select');
    expect(prep.text).toContain('<label for="question">One question you plan to ask</label>');
    expect(prep.text).toContain('<input id="question" name="question" type="text" required');

    for (const [token, form] of [
      [tokens.nudge, { channel: 'phone' }],
      [tokens.prepare, { question: 'What does a typical week look like?' }],
      [tokens.reach_out_to_referral, {}],
      [tokens.stay_in_touch, { touchpoint: 'shared_article' }],
    ] as const) {
      const done = await post(token, form);
      expect({ status: done.status, done: done.text.includes('<h1>Done</h1>') }).toEqual({
        status: 200,
        done: true,
      });
    }
    const fromMail = (await events(s.inst.tenantId)).filter(
      (e) => e.metadata.digestId === s.digestId,
    );
    expect(fromMail.map((e) => e.type).sort()).toEqual([
      'InterviewPrepared',
      'InterviewRequestNudged',
      'InterviewRequested',
      'TouchpointRecorded',
    ]);
    expect(fromMail.find((e) => e.type === 'InterviewRequestNudged')?.data).toMatchObject({
      channel: 'phone',
    });
    expect(fromMail.find((e) => e.type === 'TouchpointRecorded')?.data).toMatchObject({
      kind: 'shared_article',
    });
    expect(fromMail.find((e) => e.type === 'InterviewRequested')?.data).toMatchObject({
      contactId: s.referralContactId,
      channel: 'email',
    });
    // One DigestOpened however many links were followed.
    expect((await events(s.inst.tenantId)).filter((e) => e.type === 'DigestOpened')).toHaveLength(
      1,
    );
    const open = await followUps(s);
    expect(open.filter((f) => ['prepare', 'reach_out_to_referral'].includes(f.kind))).toEqual([]);
    // A nudge starts a new wait for a reply, and the request to the referral starts one too.
    const nudges = open.filter((f) => f.kind === 'nudge');
    expect(nudges).toHaveLength(2);
    expect(
      nudges.find((f) => f.interviewId === s.interviews.nudge)!.openedAt >= s.now.toISOString(),
    ).toBe(true);
    expect(nudges.some((f) => f.contactId === s.referralContactId)).toBe(true);
    // Every id and metadata value is an id: no name or address of anyone involved.
    expectNoPersonalData(s, JSON.stringify(fromMail.map((e) => [e.stream_id, e.metadata])));
  });

  it('refuses a choice not in the list, and records nothing', async () => {
    const s = await studentDigestScenario(t, sink, 'Cy Park');
    const { thank_you: token } = actionTokens(s.mail);
    const before = (await events(s.inst.tenantId)).length;
    const refused = await post(token, { channel: 'carrier-pigeon' });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Please choose from the list');
    expect((await post(token, { touchpoint: 'telepathy' })).status).toBe(400);
    // Preparation is recorded with something to ask: an empty question is sent back.
    const unprepared = await post(actionTokens(s.mail).prepare, { question: '   ' });
    expect(unprepared.status).toBe(400);
    expect(unprepared.text).toContain('write one question you plan to ask');
    expect(await events(s.inst.tenantId)).toHaveLength(before);
  });

  it('a tampered link, a link naming another institution’s student and a withdrawn student get pages, not steps', async () => {
    const a = await studentDigestScenario(t, sink, 'Dee Holt');
    const b = await studentDigestScenario(t, sink, 'Eli Ward');
    const tokens = actionTokens(a.mail);
    const counts = async () => [
      (await events(a.inst.tenantId)).length,
      (await events(b.inst.tenantId)).length,
    ];
    const before = await counts();

    // One character changed in the payload: the signature no longer matches.
    const tampered = `${tokens.thank_you.slice(0, 10)}${tokens.thank_you[10] === 'A' ? 'B' : 'A'}${tokens.thank_you.slice(11)}`;
    for (const response of [
      await server().get(`/act?token=${encodeURIComponent(tampered)}`),
      await post(tampered),
      await server().get('/act'),
      await post('not-a-token'),
    ]) {
      expect(response.status).toBe(400);
      expect(response.text).toContain('This link is not valid');
      expect(response.text).toContain('latest weekly digest');
      expect(response.text).toContain('<a href="/me">');
      expect(response.text).not.toContain('<form');
    }

    // Genuinely signed, but naming A's institution with B's student: no such student there.
    const foreign = signFollowUpActionToken(
      {
        tenantId: a.inst.tenantId,
        studentId: b.student.studentId,
        digestId: b.digestId,
        kind: 'thank_you',
        interviewId: b.interviews.thankYou,
      },
      SECRET,
      new Date(),
    );
    for (const response of [
      await server().get(`/act?token=${encodeURIComponent(foreign)}`),
      await post(foreign),
    ]) {
      expect(response.status).toBe(400);
      expect(response.text).toContain('This link is not valid');
    }
    // A kind the domain has no step for.
    const goal = signFollowUpActionToken(
      {
        tenantId: a.inst.tenantId,
        studentId: a.student.studentId,
        digestId: a.digestId,
        kind: 'reach_target',
      },
      SECRET,
      new Date(),
    );
    expect((await post(goal)).status).toBe(400);
    expect(await counts()).toEqual(before);

    // A withdraws: their links say why nothing can be recorded, with nothing personal.
    const at = new Date().toISOString();
    await runAs(t.app)(admin(a.inst.tenantId), at, {
      type: 'WithdrawStudent',
      data: { cohortId: a.cohortId, studentId: a.student.studentId, at },
    });
    const withdrawn = (await events(a.inst.tenantId)).length;
    for (const response of [
      await server().get(`/act?token=${encodeURIComponent(tokens.nudge)}`),
      await post(tokens.nudge),
    ]) {
      expect(response.status).toBe(403);
      expect(response.text).toContain('This step cannot be recorded');
      expectNoPersonalData(a, response.text);
    }
    expect(await events(a.inst.tenantId)).toHaveLength(withdrawn);
  });

  describe('an expired link', () => {
    /** A's thank-you link as if the digest had been sent three weeks ago. */
    const expiredToken = (s: DigestScenario) =>
      signFollowUpActionToken(
        {
          tenantId: s.inst.tenantId,
          studentId: s.student.studentId,
          digestId: s.digestId,
          kind: 'thank_you',
          interviewId: s.interviews.thankYou,
        },
        SECRET,
        new Date(Date.now() - 21 * DAY),
      );
    const outbox = (s: DigestScenario) =>
      t.db.owner.database.withTenant(s.inst.tenantId, (tx) =>
        tx.query<{ message_id: string; recipient_id: string; to_address: string }>(
          `SELECT message_id, recipient_id, to_address FROM outbox WHERE kind = 'sign_in_link'`,
        ),
      );
    const ask = (token: string) => server().post('/me/sign-in-link').type('form').send({ token });

    it('offers a fresh sign-in link, mailed once within the hour, that opens the week', async () => {
      const s = await studentDigestScenario(t, sink, 'Fay Lind');
      const token = expiredToken(s);
      expect(verifyFollowUpActionToken(token, SECRET, new Date())).toMatchObject({
        ok: false,
        reason: 'expired',
      });
      const before = (await events(s.inst.tenantId)).length;
      const page = await server().get(`/act?token=${encodeURIComponent(token)}`);
      expect(page.status).toBe(400);
      expect(page.text).toContain('This link has expired');
      expect(page.text).toContain('<form method="post" action="/me/sign-in-link">');
      expect(page.text).toContain('<button type="submit">Email me a fresh sign-in link</button>');
      // Posting the expired link itself takes no step.
      expect((await post(token)).text).toContain('This link has expired');
      expect(await events(s.inst.tenantId)).toHaveLength(before);

      const asked = await ask(token);
      expect(asked.status).toBe(200);
      expect(asked.text).toContain('Check your email');
      expect(asked.headers['cache-control']).toBe('no-store');
      const sent = await t.app.get(DigestDelivery).deliverDue();
      expect(sent.sent).toBe(1);
      const mails = sink.messagesTo(s.student.email).filter((m) => /sign-in link/.test(m.subject));
      expect(mails).toHaveLength(1);
      const [mail] = mails;
      const links = linksOf(mail);
      expect(links.html).toHaveLength(1);
      expect(links.text).toEqual(links.html);
      const url = new URL(links.html[0]);
      expect(url.pathname).toBe('/me/sign-in');
      const verified = verifyWeekSignInToken(url.searchParams.get('token'), SECRET, new Date());
      expect(verified).toMatchObject({
        ok: true,
        payload: { tenantId: s.inst.tenantId, studentId: s.student.studentId, digestId: NO_DIGEST },
      });
      // A day, not a fortnight.
      if (verified.ok) expect(verified.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(DAY);
      expect((await server().get(`${url.pathname}${url.search}`)).status).toBe(200);

      // Asking again (the expired action link, or an expired week link) sends nothing more.
      const expiredWeek = signWeekSignInToken(
        { tenantId: s.inst.tenantId, studentId: s.student.studentId, digestId: s.digestId },
        SECRET,
        new Date(Date.now() - 15 * DAY),
      );
      for (const again of [await ask(token), await ask(expiredWeek)]) {
        expect(again.status).toBe(200);
        expect(again.text).toBe(asked.text);
      }
      expect((await t.app.get(DigestDelivery).deliverDue()).sent).toBe(0);
      expect(
        sink.messagesTo(s.student.email).filter((m) => /sign-in link/.test(m.subject)),
      ).toHaveLength(1);
      const rows = await outbox(s);
      expect(rows).toHaveLength(1);

      // Ids, metadata and logs carry no name or address.
      const mailEvents = (await events(s.inst.tenantId)).filter((e) => e.type === 'MailSent');
      expect(mailEvents.map((e) => e.data)).toEqual([
        expect.objectContaining({ kind: 'sign_in_link', messageId: rows[0].message_id }),
      ]);
      expectNoPersonalData(
        s,
        JSON.stringify([rows[0].message_id, rows[0].recipient_id, mailEvents]),
      );
      expectNoPersonalData(s, logs);
      expect(logs).not.toContain(token);
    });

    it('answers a live, tampered or foreign link with the same page and mails nothing', async () => {
      const s = await studentDigestScenario(t, sink, 'Gus Mohr');
      const live = actionTokens(s.mail).thank_you;
      const expired = expiredToken(s);
      const tampered = `${expired.slice(0, -2)}${expired.endsWith('AA') ? 'BB' : 'AA'}`;
      // Right shape and expiry, signed for another purpose: not a student link.
      const otherPurpose = signToken(
        { ...FOLLOW_UP_ACTION_PURPOSE, name: 'something-else' },
        [s.inst.tenantId, s.student.studentId, s.digestId, 'thank_you', '-', '-'],
        SECRET,
        new Date(Date.now() - DAY),
      );
      const pages = [];
      for (const token of [live, tampered, otherPurpose, '']) pages.push(await ask(token));
      for (const page of pages) {
        expect(page.status).toBe(200);
        expect(page.text).toBe(pages[0].text);
      }
      expect(await outbox(s)).toEqual([]);
    });

    it('mails nothing for a student who left the program', async () => {
      const s = await studentDigestScenario(t, sink, 'Hal Berg');
      const at = new Date().toISOString();
      await runAs(t.app)(admin(s.inst.tenantId), at, {
        type: 'WithdrawStudent',
        data: { cohortId: s.cohortId, studentId: s.student.studentId, at },
      });
      expect((await ask(expiredToken(s))).status).toBe(200);
      expect(await outbox(s)).toEqual([]);
    });
  });

  it('charges /act and /me/sign-in-link to the caller address like the other public links', async () => {
    const BUDGET = 3;
    const app = await startInstance(t.db, {
      mail: testMail(sink.url),
      digest: DIGEST,
      rateLimit: {
        enabled: true,
        userOpsPerMinute: 100_000,
        tenantOpsPerMinute: 100_000,
        publicPerMinute: BUDGET,
      },
    });
    try {
      const http = () => request(app.getHttpServer());
      expect((await http().get('/act?token=forged')).status).toBe(400);
      expect((await http().post('/act').type('form').send({ token: 'forged' })).status).toBe(400);
      expect(
        (await http().post('/me/sign-in-link').type('form').send({ token: 'forged' })).status,
      ).toBe(200);
      for (const refused of [
        await http().get('/act?token=forged'),
        await http().post('/me/sign-in-link').type('form').send({ token: 'forged' }),
      ]) {
        expect(refused.status).toBe(429);
        expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      }
    } finally {
      await app.close();
    }
  });
});
