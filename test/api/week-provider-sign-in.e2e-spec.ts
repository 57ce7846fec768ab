import type { DomainCommand } from '@rapport/domain';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import type { Actor } from '../../apps/api/src/auth/actor';
import { CommandExecutor } from '../../apps/api/src/write/command-executor';
import { axeViolations, freePort, launchChromium } from '../support/browser';
import { enrolledStudents, newInstitution, newStaff } from '../support/builders';
import { graphql, ok } from '../support/graphql';
import { TestOidcProvider } from '../support/oidc-provider';
import { caughtUp } from '../support/projections';
import { startTestApp, TEST_JWT_SECRET, testMail, type TestApp } from '../support/test-app';

const DAY = 86_400_000;
const B_SECRET = `secret-${randomUUID()}`;
const SET_PROVIDER = `
  mutation ($input: SetIdentityProviderInput!) {
    setIdentityProvider(input: $input) { institution { id } }
  }
`;

/** Collects every line the app logs, at every level. */
function logSink() {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

type Institution = Awaited<ReturnType<typeof newInstitution>>;

describe("the week page through the institution's own provider (docs/adr/0020)", () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;
  let providerA: TestOidcProvider;
  let providerB: TestOidcProvider;
  let a: Institution;
  let b: Institution;
  let studentId: string;
  let bobId: string;
  const bobSub = `bob-${randomUUID()}`;
  const bobEmail = `bob.${randomUUID().slice(0, 6)}@b.edu`;
  const logs = logSink();
  const annSub = `ann-${randomUUID()}`;
  const annEmail = `ann.${randomUUID().slice(0, 6)}@a.edu`;
  const staffSub = `maria-${randomUUID()}`;
  const staffEmail = `maria.${randomUUID().slice(0, 6)}@a.edu`;
  const strangerSub = `zed-${randomUUID()}`;
  const strangerEmail = `zed.${randomUUID().slice(0, 6)}@a.edu`;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    [providerA, providerB] = await Promise.all([
      TestOidcProvider.start({ alg: 'RS256' }),
      TestOidcProvider.start({ alg: 'ES256' }),
    ]);
    // A is a public client (PKCE only); B's provider insists on a confidential one.
    providerA.webClient(`${base}/me/sign-in/callback`);
    providerB.webClient(`${base}/me/sign-in/callback`, B_SECRET);
    t = await startTestApp({
      mail: { ...testMail(), appUrl: base },
      runProjections: true,
      log: { level: 'trace', destination: logs.stream },
      auth: {
        secret: TEST_JWT_SECRET,
        providers: { clientSecrets: { [providerB.issuer]: B_SECRET } },
      },
    });
    await t.app.listen(port, '127.0.0.1');
    a = await newInstitution(t, { name: 'Lakeside College' });
    b = await newInstitution(t, { name: 'Hillcrest University' });
    for (const [inst, provider] of [
      [a, providerA],
      [b, providerB],
    ] as const)
      ok(
        await graphql(t.app, inst.adminToken, SET_PROVIDER, {
          input: { issuer: provider.issuer, audience: provider.audience },
        }),
      );
    [studentId] = (
      await enrolledStudents(t, a.adminToken, [{ name: 'Ann Lee', email: annEmail }])
    ).studentIds;
    await heldInterview(t, a.tenantId, studentId);
    await newStaff(t, a.adminToken, { role: 'ADVISOR', email: staffEmail });
    [bobId] = (
      await enrolledStudents(t, b.adminToken, [{ name: 'Bob Roy', email: bobEmail }])
    ).studentIds;
    providerB.person(bobSub, { email: bobEmail, email_verified: true });
    providerA.person(annSub, { email: annEmail, email_verified: true });
    providerA.person(staffSub, { email: staffEmail, email_verified: true });
    providerA.person(strangerSub, { email: strangerEmail, email_verified: true });
    await caughtUp(t.app);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await Promise.all([providerA?.close(), providerB?.close()]);
  });
  afterEach(() => {
    providerA.idTokenRewrite = null;
  });

  /** From the sign-in page through the provider's own login (and consent) back to Rapport. */
  async function throughProvider(
    page: Page,
    login: string,
    via: { inst: Institution; provider: TestOidcProvider; name: string } = {
      inst: a,
      provider: providerA,
      name: 'Lakeside College',
    },
  ): Promise<{ callback: string; cookie: string }> {
    const seen = { callback: '', cookie: '' };
    page.on('request', async (r) => {
      if (!r.url().startsWith(`${base}/me/sign-in/callback`)) return;
      seen.callback = r.url();
      seen.cookie = (await r.allHeaders()).cookie ?? '';
    });
    await page.goto(`${base}/me?institution=${via.inst.slug}`);
    await page.getByRole('link', { name: `Sign in with ${via.name}` }).click();
    await page.waitForURL((url) => url.origin === via.provider.issuer);
    await page.locator('input[name=login]').fill(login);
    await page.locator('input[name=password]').fill('any password');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.waitForURL((url) => url.origin === base);
    await page.waitForLoadState();
    return seen;
  }

  async function sessionsOf(tenantId: string, via: string) {
    return t.db.app.database.withTenant(tenantId, (tx) =>
      tx.query<{ student_id: string }>(
        `SELECT student_id FROM week_sessions WHERE tenant_id = $1 AND via = $2`,
        [tx.tenantId, via],
      ),
    );
  }

  it('redirects with PKCE (S256), state and nonce to the registered provider, as a public client', async () => {
    const response = await request(t.app.getHttpServer())
      .get(`/me/sign-in/provider?institution=${a.slug}`)
      .expect(302);
    const location = new URL(response.headers.location);
    expect(location.origin).toBe(providerA.issuer);
    const params = Object.fromEntries(location.searchParams);
    expect(params).toMatchObject({
      response_type: 'code',
      client_id: providerA.audience,
      redirect_uri: `${base}/me/sign-in/callback`,
      scope: 'openid email',
      code_challenge_method: 'S256',
    });
    expect(params.state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.code_challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params).not.toHaveProperty('client_secret');
    const cookie = String(response.headers['set-cookie']);
    expect(cookie).toMatch(/rapport_week_provider=[^;]+; Max-Age=600; Path=\/me; .*HttpOnly/);
    expect(cookie).toContain('SameSite=Lax');
  });

  it('a student signs in at the provider and lands on the same week page', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // The sign-in page names the institution; an unknown slug leaves it out.
    await page.goto(`${base}/me?institution=no-such-place`);
    expect(await page.getByRole('link', { name: /Sign in with/ }).count()).toBe(0);
    await page.goto(`${base}/me?institution=${a.slug}`);
    expect(await axeViolations(page)).toEqual([]);

    const { callback, cookie } = await throughProvider(page, annSub);
    expect(new URL(page.url()).pathname).toBe('/me');
    expect(await page.textContent('h1')).toBe('Your week');
    expect(await page.textContent('main')).toContain('Hello Ann Lee');
    expect(await page.textContent('main')).toContain(
      'Thank Dana Fox (City Hospital) for the interview',
    );
    expect(await page.getByRole('button', { name: 'I sent my thank-you' }).count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    expect((await sessionsOf(a.tenantId, 'provider')).map((r) => r.student_id)).toEqual([
      studentId,
    ]);
    // The pending sign-in's cookie is spent.
    expect(await rapportCookies(context)).toEqual(['rapport_week']);

    // Replayed: the same callback again (same state and code) is refused, and starts nothing.
    const replay = await page.goto(callback);
    expect(replay!.status()).toBe(400);
    expect(await page.textContent('h1')).toBe('Please start again');
    // …also with the pending sign-in's cookie kept (copied): its state is used up.
    expect(cookie).toContain('rapport_week_provider=');
    const copied = await request(t.app.getHttpServer())
      .get(callback.slice(base.length))
      .set('Cookie', cookie)
      .expect(400);
    expect(copied.text).toContain('Please start again');
    // …and in another browser that never started this sign-in.
    const other = await browser.newContext();
    const elsewhere = await other.newPage();
    expect((await elsewhere.goto(callback))!.status()).toBe(400);
    await other.close();
    expect(await sessionsOf(a.tenantId, 'provider')).toHaveLength(1);
    await context.close();
  });

  it('signs in through a confidential client when the operator configured its secret', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await throughProvider(page, bobSub, {
      inst: b,
      provider: providerB,
      name: 'Hillcrest University',
    });
    expect(await page.textContent('h1')).toBe('Your week');
    expect(await page.textContent('main')).toContain('Hello Bob Roy');
    expect((await sessionsOf(b.tenantId, 'provider')).map((r) => r.student_id)).toEqual([bobId]);
    expect(await rapportCookies(context)).toEqual(['rapport_week']);
    await context.close();
  });

  it('refuses a callback whose state is not the one this browser started', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // Hold the provider's redirect back (its code is real), then send it with another state.
    // Redirects are not routable, so the login form's POST is replayed here without following.
    let held = '';
    await page.route(
      (url) => url.origin === providerA.issuer && url.pathname.startsWith('/interaction/'),
      async (route) => {
        if (route.request().method() !== 'POST') return route.continue();
        const login = await route.fetch({ maxRedirects: 0 });
        const resume = new URL(login.headers().location, providerA.issuer).toString();
        const back = await context.request.get(resume, { maxRedirects: 0 });
        held = back.headers().location ?? '';
        await route.fulfill({ status: 200, contentType: 'text/plain', body: 'held' });
      },
    );
    await page.goto(`${base}/me?institution=${a.slug}`);
    await page.getByRole('link', { name: 'Sign in with Lakeside College' }).click();
    await page.locator('input[name=login]').fill(annSub);
    await page.locator('input[name=password]').fill('any password');
    await page.getByRole('button', { name: 'Sign-in' }).click();
    await page.getByText('held').waitFor();
    expect(held).toContain('code=');
    const forged = new URL(held);
    forged.searchParams.set('state', 'x'.repeat(43));
    const response = await page.goto(forged.toString());
    expect(response!.status()).toBe(400);
    expect(await page.textContent('h1')).toBe('Please start again');
    // Any callback spends this browser's pending sign-in: the genuine one cannot follow it.
    expect((await page.goto(held))!.status()).toBe(400);
    expect(await sessionsOf(a.tenantId, 'provider')).toHaveLength(1);
    await context.close();
  });

  it.each([
    ["another institution's audience", (aud: string) => ({ aud })],
    ['a nonce from another sign-in', () => ({ nonce: 'n'.repeat(43) })],
  ])('refuses an ID token with %s, signed by the real provider key', async (_, change) => {
    providerA.idTokenRewrite = (claims) => ({ ...claims, ...change(providerB.audience) });
    const context = await browser.newContext();
    const page = await context.newPage();
    await throughProvider(page, annSub);
    expect(await page.textContent('h1')).toBe('Sign-in did not work');
    expect(await rapportCookies(context)).toEqual([]);
    expect(await sessionsOf(a.tenantId, 'provider')).toHaveLength(1);
    await context.close();
  });

  it('a staff member lands on a polite page, with no week session', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await throughProvider(page, staffSub);
    expect(await page.textContent('h1')).toBe('This page is for students');
    expect(await rapportCookies(context)).toEqual([]);
    await context.close();
  });

  it('an account that matches nobody gets the help-desk message, without personal data', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await throughProvider(page, strangerSub);
    expect(await page.textContent('h1')).toBe('We could not find you in Rapport');
    const html = await page.content();
    expect(html).not.toContain(strangerEmail);
    expect(html).not.toContain(strangerSub);
    await context.close();
  });

  it('declined consent and an unknown institution are friendly pages', async () => {
    const agent = request.agent(t.app.getHttpServer());
    const started = await agent.get(`/me/sign-in/provider?institution=${a.slug}`).expect(302);
    const state = new URL(started.headers.location).searchParams.get('state')!;
    const denied = await agent
      .get(`/me/sign-in/callback?error=access_denied&state=${state}`)
      .expect(403);
    expect(denied.text).toContain('Sign-in was cancelled');
    const unknown = await agent.get('/me/sign-in/provider?institution=no-such-place').expect(404);
    expect(unknown.text).toContain('Institution not found');
  });

  it('logs no personal data along the way', () => {
    const text = logs.text();
    expect(text.length).toBeGreaterThan(0);
    for (const value of [
      annEmail,
      annSub,
      staffEmail,
      staffSub,
      strangerEmail,
      strangerSub,
      'Ann Lee',
    ])
      expect(text).not.toContain(value);
  });
});

/** The app's cookies in the browser (the provider, also on 127.0.0.1, keeps its own). */
async function rapportCookies(context: BrowserContext): Promise<string[]> {
  return (await context.cookies())
    .filter((c) => c.name.startsWith('rapport_'))
    .map((c) => c.name)
    .sort();
}

/** A held interview whose thank-you is owed, with a named contact. */
async function heldInterview(t: TestApp, tenantId: string, studentId: string) {
  const actor: Actor = { subject: `user-${studentId}`, tenantId, role: 'student', studentId };
  const executor = t.app.get(CommandExecutor);
  const run = (at: Date, command: DomainCommand) =>
    executor.execute({ actor, correlationId: randomUUID(), now: at }, command);
  const contactId = randomUUID();
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
      interviewId: randomUUID(),
      studentId,
      contactId,
      heldAt: held.toISOString(),
      format: 'video',
      personal: {},
      at: held.toISOString(),
    },
  });
}
