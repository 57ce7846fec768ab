import { Inject, Injectable } from '@nestjs/common';
import { Database } from '@rapport/event-store';
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { APP_CONFIG } from '../app-config.token';
import type { AppConfig } from '../config/app-config';
import { DigestScheduler } from '../digest/digest-scheduler.service';

/** The week-page session cookie; scoped to `/me` so no other route ever sees it. */
export const SESSION_COOKIE = 'rapport_week';
/** Binds the sign-in form to the browser that showed it (login CSRF), until a session exists. */
export const SIGN_IN_COOKIE = 'rapport_week_sign_in';
export const COOKIE_PATH = '/me';
/** A session ends after this long without a request… */
export const SESSION_IDLE_MS = 30 * 60_000;
/** …and at the latest this long after sign-in, however busy. */
export const SESSION_MAX_MS = 8 * 3_600_000;
const SIGN_IN_FORM_MS = 60 * 60_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SECRET = /^[A-Za-z0-9_-]{43}$/;

/**
 * The sessions' time, separate from the commands' so tests can move it past an expiry without
 * sleeping and without recording events in the future.
 */
@Injectable()
export class WeekClock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  /** Tests: moves session time forward. */
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

export interface WeekSession {
  tenantId: string;
  sessionId: string;
  studentId: string;
  /** The digest whose week link started the session, if any: steps then count as from the mail. */
  digestId: string | null;
  via: 'link' | 'provider';
  /** The synchronizer token every POST of this session must carry. */
  csrfToken: string;
}

export interface CookieSpec {
  name: string;
  value: string;
  maxAgeSeconds: number;
}

interface Row {
  session_id: string;
  secret_hash: Buffer;
  student_id: string;
  digest_id: string | null;
  via: 'link' | 'provider';
}

/**
 * Server-side sessions (docs/adr/0020). The cookie is `<tenant>.<session>.<secret>`: the tenant
 * id picks the RLS scope to look in, the row holds only the secret's hash, and the CSRF token
 * is derived from the secret, so it is bound to the session and stored nowhere.
 */
@Injectable()
export class WeekSessionService {
  constructor(
    private readonly database: Database,
    private readonly clock: WeekClock,
    private readonly links: DigestScheduler,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Cookies are `Secure` in production and whenever the app is served over https. */
  get secureCookies(): boolean {
    return this.config.production || this.config.mail.appUrl.startsWith('https:');
  }

  /** The origin forms are posted from; a POST naming another origin is refused. */
  get appOrigin(): string {
    return new URL(this.config.mail.appUrl).origin;
  }

  async start(
    tenantId: string,
    studentId: string,
    via: 'link' | 'provider',
    digestId: string | null,
  ): Promise<{ session: WeekSession; cookie: CookieSpec }> {
    const sessionId = randomUUID();
    const secret = randomBytes(32).toString('base64url');
    const now = this.clock.now();
    await this.database.withTenant(tenantId, async (tx) => {
      // Old sessions of this student that ended by time are of no use to anyone: tidy them here.
      await tx.execute(
        `DELETE FROM week_sessions
          WHERE tenant_id = $1 AND student_id = $2
            AND (expires_at <= $3 OR last_seen_at <= $3::timestamptz - make_interval(secs => $4))`,
        [tx.tenantId, studentId, now, SESSION_IDLE_MS / 1000],
      );
      await tx.execute(
        `INSERT INTO week_sessions
           (tenant_id, session_id, secret_hash, student_id, digest_id, via, created_at, last_seen_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8)`,
        [
          tx.tenantId,
          sessionId,
          hash(secret),
          studentId,
          digestId,
          via,
          now,
          new Date(now.getTime() + SESSION_MAX_MS),
        ],
      );
    });
    return {
      session: { tenantId, sessionId, studentId, digestId, via, csrfToken: csrfOf(secret) },
      cookie: {
        name: SESSION_COOKIE,
        value: `${tenantId}.${sessionId}.${secret}`,
        maxAgeSeconds: SESSION_MAX_MS / 1000,
      },
    };
  }

  /** The live session the cookie names, touched (idle timer restarted); null when none. */
  async current(cookieHeader: string | undefined): Promise<WeekSession | null> {
    const parsed = parseSessionCookie(cookieHeader);
    if (!parsed) return null;
    const now = this.clock.now();
    const row = await this.database
      .withTenant(parsed.tenantId, async (tx) => {
        const [found] = await tx.query<Row>(
          `UPDATE week_sessions SET last_seen_at = $3
          WHERE tenant_id = $1 AND session_id = $2
            AND expires_at > $3 AND last_seen_at > $3::timestamptz - make_interval(secs => $4)
          RETURNING session_id, secret_hash, student_id, digest_id, via`,
          [tx.tenantId, parsed.sessionId, now, SESSION_IDLE_MS / 1000],
        );
        // A wrong secret must not keep someone else's session alive: undo the touch.
        if (found && !timingSafeEqual(found.secret_hash, hash(parsed.secret))) {
          throw new WrongSecret();
        }
        return found ?? null;
      })
      .catch((error: unknown) => {
        if (error instanceof WrongSecret) return null;
        throw error;
      });
    if (!row) return null;
    return {
      tenantId: parsed.tenantId,
      sessionId: row.session_id,
      studentId: row.student_id,
      digestId: row.digest_id,
      via: row.via,
      csrfToken: csrfOf(parsed.secret),
    };
  }

  /** Ends the session for good: the cookie is worthless from now on, even if kept. */
  async end(session: WeekSession): Promise<void> {
    await this.database.withTenant(session.tenantId, (tx) =>
      tx.execute(`DELETE FROM week_sessions WHERE tenant_id = $1 AND session_id = $2`, [
        tx.tenantId,
        session.sessionId,
      ]),
    );
  }

  /** Constant-time check of a POST's token against the session's. */
  csrfMatches(session: WeekSession, submitted: unknown): boolean {
    return typeof submitted === 'string' && sameText(submitted, session.csrfToken);
  }

  /** A fresh browser binding for the sign-in form: the cookie, and the value the form carries. */
  signInBinding(): { cookie: CookieSpec; field: string } {
    const value = randomBytes(24).toString('base64url');
    return {
      cookie: { name: SIGN_IN_COOKIE, value, maxAgeSeconds: SIGN_IN_FORM_MS / 1000 },
      field: this.signInField(value),
    };
  }

  /** The sign-in POST came from a form this browser was shown (a cross-site post has no cookie). */
  signInBindingMatches(cookieHeader: string | undefined, submitted: unknown): boolean {
    const value = readCookie(cookieHeader, SIGN_IN_COOKIE);
    return !!value && typeof submitted === 'string' && sameText(submitted, this.signInField(value));
  }

  private signInField(value: string): string {
    return createHmac('sha256', this.links.unsubscribeSecret)
      .update(`week-sign-in-form|${value}`)
      .digest('base64url');
  }
}

class WrongSecret extends Error {}

function hash(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

function csrfOf(secret: string): string {
  return createHmac('sha256', secret).update('week-csrf').digest('base64url');
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

function parseSessionCookie(
  header: string | undefined,
): { tenantId: string; sessionId: string; secret: string } | null {
  const value = readCookie(header, SESSION_COOKIE);
  const [tenantId, sessionId, secret, ...rest] = (value ?? '').split('.');
  if (rest.length || !UUID.test(tenantId ?? '') || !UUID.test(sessionId ?? '')) return null;
  if (!SECRET.test(secret ?? '')) return null;
  return { tenantId, sessionId, secret };
}
