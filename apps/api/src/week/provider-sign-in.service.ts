import { Inject, Injectable } from '@nestjs/common';
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { APP_CONFIG } from '../app-config.token';
import { AuthError, AuthErrorCode } from '../auth/auth.errors';
import { IssuerDirectory } from '../auth/issuer-directory.service';
import { ProviderKeys } from '../auth/provider-keys.service';
import { TokenService } from '../auth/token.service';
import type { AppConfig } from '../config/app-config';
import { DigestScheduler } from '../digest/digest-scheduler.service';
import { SignIn } from '../identity/sign-in.service';
import { type CookieSpec, readCookie, WeekClock } from './week-session.service';

/** Carries state, nonce and PKCE verifier from the redirect to the callback, in this browser only. */
export const PROVIDER_COOKIE = 'rapport_week_provider';
/** A sign-in at the provider must come back within this long. */
const PENDING_MS = 10 * 60_000;
const FETCH_TIMEOUT_MS = 5_000;
export const CALLBACK_PATH = '/me/sign-in/callback';

interface Pending {
  /** tenant id and issuer the sign-in was started for */
  t: string;
  i: string;
  /** state, nonce, PKCE code verifier */
  s: string;
  n: string;
  v: string;
  /** expiry (ms since epoch) */
  e: number;
}

export type ProviderStart =
  | { ok: true; location: string; cookie: CookieSpec }
  | { ok: false; reason: 'unknown-institution' | 'unavailable' };

export type ProviderOutcome =
  | { status: 'student'; tenantId: string; studentId: string }
  | { status: 'staff' }
  | { status: 'denied' }
  | { status: 'bad-state' }
  | { status: 'not-enrolled'; message: string }
  | { status: 'failed' };

/**
 * The week page's sign-in through the institution's own provider (docs/adr/0020): OpenID
 * Connect authorization code with PKCE (S256), state and nonce, as a public client whose id is
 * the audience the institution registered. The ID token is verified by `TokenService` with the
 * same keys as bearer tokens, and the person is found by `SignIn`, as for bearer tokens.
 */
@Injectable()
export class ProviderSignIn {
  /** States already used, until they expire: a callback replayed in this process is refused. */
  private readonly used = new Map<string, number>();

  constructor(
    private readonly issuers: IssuerDirectory,
    private readonly providerKeys: ProviderKeys,
    private readonly tokens: TokenService,
    private readonly signIn: SignIn,
    private readonly links: DigestScheduler,
    private readonly clock: WeekClock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get redirectUri(): string {
    return `${new URL(this.config.mail.appUrl).origin}${CALLBACK_PATH}`;
  }

  /** The institution with this slug, if it has a provider: the page's "Sign in with …". */
  async institutionOf(slug: string): Promise<{ slug: string; name: string } | null> {
    const entry = this.issuers.forSlug(slug);
    if (!entry) return null;
    const institution = await this.links.institution(entry.tenantId);
    return institution ? { slug, name: institution.name } : null;
  }

  async start(slug: string): Promise<ProviderStart> {
    const entry = this.issuers.forSlug(slug);
    if (!entry) return { ok: false, reason: 'unknown-institution' };
    let endpoints;
    try {
      endpoints = await this.providerKeys.endpointsOf(entry.issuer);
    } catch (error) {
      if (error instanceof AuthError) return { ok: false, reason: 'unavailable' };
      throw error;
    }
    const pending: Pending = {
      t: entry.tenantId,
      i: entry.issuer,
      s: random(),
      n: random(),
      v: random(),
      e: this.clock.now().getTime() + PENDING_MS,
    };
    const url = new URL(endpoints.authorization);
    const params = {
      response_type: 'code',
      client_id: entry.audience,
      redirect_uri: this.redirectUri,
      scope: 'openid email',
      state: pending.s,
      nonce: pending.n,
      code_challenge: createHash('sha256').update(pending.v).digest('base64url'),
      code_challenge_method: 'S256',
    };
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    return {
      ok: true,
      location: url.toString(),
      cookie: {
        name: PROVIDER_COOKIE,
        value: this.seal(pending),
        maxAgeSeconds: PENDING_MS / 1000,
      },
    };
  }

  /** The provider's redirect back: state, code exchange, ID token, then the person in Rapport. */
  async complete(
    query: Record<string, unknown>,
    cookieHeader: string | undefined,
  ): Promise<ProviderOutcome> {
    const pending = this.open(readCookie(cookieHeader, PROVIDER_COOKIE));
    const state = typeof query.state === 'string' ? query.state : '';
    if (!pending || !sameText(state, pending.s) || !this.useOnce(pending)) {
      return { status: 'bad-state' };
    }
    if (query.error !== undefined)
      return query.error === 'access_denied' ? { status: 'denied' } : { status: 'failed' };
    const code = typeof query.code === 'string' && query.code.length <= 2048 ? query.code : '';
    // The institution may have moved to another provider since the sign-in started.
    const entry = this.issuers.get(pending.i);
    if (!code || !entry || entry.tenantId !== pending.t) return { status: 'failed' };
    try {
      const idToken = await this.redeem(entry.issuer, entry.audience, code, pending.v);
      if (!idToken) return { status: 'failed' };
      const identity = await this.tokens.verifyIdToken(idToken, entry, pending.n);
      const actor = await this.signIn.actorFor(identity);
      if (actor.role !== 'student' || !actor.studentId) return { status: 'staff' };
      return { status: 'student', tenantId: actor.tenantId, studentId: actor.studentId };
    } catch (error) {
      if (error instanceof AuthError && error.code === AuthErrorCode.NotEnrolled)
        return { status: 'not-enrolled', message: error.message };
      if (error instanceof AuthError) return { status: 'failed' };
      throw error;
    }
  }

  /** The code for tokens at the provider's token endpoint; the ID token, or null. */
  private async redeem(
    issuer: string,
    clientId: string,
    code: string,
    verifier: string,
  ): Promise<string | null> {
    const { token } = await this.providerKeys.endpointsOf(issuer);
    const body = new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: this.redirectUri,
      code_verifier: verifier,
    });
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    const secret = this.config.auth.providers?.clientSecrets?.[issuer];
    if (secret) {
      // client_secret_basic (RFC 6749 §2.3.1: both parts form-encoded first).
      const basic = `${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`;
      headers.authorization = `Basic ${Buffer.from(basic).toString('base64')}`;
    } else {
      body.set('client_id', clientId);
    }
    let response: Response;
    try {
      response = await fetch(token, {
        method: 'POST',
        headers,
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      });
    } catch {
      return null;
    }
    if (!response.ok) return null;
    const tokens = (await response.json().catch(() => null)) as { id_token?: unknown } | null;
    return typeof tokens?.id_token === 'string' ? tokens.id_token : null;
  }

  private useOnce(pending: Pending): boolean {
    const now = this.clock.now().getTime();
    for (const [state, expires] of this.used) if (expires <= now) this.used.delete(state);
    if (this.used.has(pending.s)) return false;
    this.used.set(pending.s, pending.e);
    return true;
  }

  private seal(pending: Pending): string {
    const payload = Buffer.from(JSON.stringify(pending)).toString('base64url');
    return `${payload}.${this.mac(payload)}`;
  }

  /** The pending sign-in this browser started, if untampered and not expired. */
  private open(value: string | null): Pending | null {
    const [payload, mac, ...rest] = (value ?? '').split('.');
    if (!payload || !mac || rest.length || !sameText(mac, this.mac(payload))) return null;
    let pending: Pending;
    try {
      pending = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Pending;
    } catch {
      return null;
    }
    const fields = [pending.t, pending.i, pending.s, pending.n, pending.v];
    if (fields.some((f) => typeof f !== 'string') || typeof pending.e !== 'number') return null;
    return pending.e > this.clock.now().getTime() ? pending : null;
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.links.unsubscribeSecret)
      .update(`week-provider-sign-in|${payload}`)
      .digest('base64url');
  }
}

function random(): string {
  return randomBytes(32).toString('base64url');
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
