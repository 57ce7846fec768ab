import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import { NO_DIGEST, verifyWeekSignInToken } from '@rapport/notifications';
import type { Request, Response } from 'express';
import { Public } from '../auth/public.decorator';
import { DigestScheduler } from '../digest/digest-scheduler.service';
import { DigestTrackingService } from '../nudge-effect/digest-tracking.service';
import {
  COOKIE_PATH,
  type CookieSpec,
  SESSION_COOKIE,
  SIGN_IN_COOKIE,
  WeekClock,
  type WeekSession,
  WeekSessionService,
} from './week-session.service';
import {
  expiredLinkPage,
  forbiddenPage,
  howToSignInPage,
  invalidActionPage,
  refusedActionPage,
  invalidLinkPage,
  notEnrolledPage,
  providerDeniedPage,
  providerFailedPage,
  providerNotEnrolledPage,
  providerStateErrorPage,
  staffPage,
  unknownInstitutionPage,
  signedOutPage,
  signInPage,
  staleFormPage,
  weekPage,
} from './week.pages';
import { type ActionForm, WeekService } from './week.service';
import { PROVIDER_COOKIE, ProviderSignIn } from './provider-sign-in.service';
import { type Page, type PagePolicy, sendPage } from '../common/html-page';

/**
 * The student's week in a browser (docs/adr/0020): a signed link or the institution's provider
 * starts a short server-side session; every POST carries the session's CSRF token.
 */
@Controller('me')
export class WeekController {
  constructor(
    private readonly sessions: WeekSessionService,
    private readonly week: WeekService,
    private readonly links: DigestScheduler,
    private readonly tracking: DigestTrackingService,
    private readonly clock: WeekClock,
    private readonly provider: ProviderSignIn,
  ) {}

  /** Shows a button: a GET changes nothing, since mail scanners follow links. */
  @Public()
  @Get('sign-in')
  async signInForm(
    @Res() res: Response,
    @Query('token') token?: unknown,
    @Query('next') next?: unknown,
  ): Promise<void> {
    const value = typeof token === 'string' ? token : '';
    const verified = verifyWeekSignInToken(value, this.links.unsubscribeSecret, this.clock.now());
    if (!verified.ok)
      return send(res, verified.reason === 'expired' ? expiredLinkPage(value) : invalidLinkPage());
    const binding = this.sessions.signInBinding();
    this.setCookie(res, binding.cookie);
    send(res, signInPage(value, next === 'calendar' ? 'calendar' : null, binding.field));
  }

  @Public()
  @Post('sign-in')
  async signIn(
    @Req() req: Request,
    @Res() res: Response,
    @Body() body: { token?: unknown; next?: unknown; binding?: unknown } | undefined,
  ): Promise<void> {
    if (!this.sameOrigin(req)) return send(res, staleFormPage());
    const value = typeof body?.token === 'string' ? body.token : '';
    const now = this.clock.now();
    const verified = verifyWeekSignInToken(value, this.links.unsubscribeSecret, now);
    if (!verified.ok)
      return send(res, verified.reason === 'expired' ? expiredLinkPage(value) : invalidLinkPage());
    // Login CSRF: only the browser that was shown the button may press it.
    if (!this.sessions.signInBindingMatches(req.headers.cookie, body?.binding))
      return send(res, staleFormPage());
    const { tenantId, studentId, digestId } = verified.payload;
    if (!(await this.week.studentExists(tenantId, studentId))) return send(res, invalidLinkPage());
    const fromDigest = digestId !== NO_DIGEST ? digestId : null;
    const { cookie } = await this.sessions.start(tenantId, studentId, 'link', fromDigest);
    if (fromDigest)
      await this.tracking.opened(tenantId, studentId, fromDigest, 'week-link', new Date());
    this.setCookie(res, cookie);
    this.clearCookie(res, SIGN_IN_COOKIE);
    redirect(res, body?.next === 'calendar' ? '/me#calendar' : '/me');
  }

  /** Off to the institution's provider (a GET: it changes nothing here but a short cookie). */
  @Public()
  @Get('sign-in/provider')
  async providerSignIn(
    @Res() res: Response,
    @Query('institution') institution?: unknown,
  ): Promise<void> {
    const slug = typeof institution === 'string' ? institution : '';
    const started = await this.provider.start(slug);
    if (!started.ok)
      return send(
        res,
        started.reason === 'unknown-institution' ? unknownInstitutionPage() : providerFailedPage(),
      );
    this.setCookie(res, started.cookie);
    redirect(res, started.location, 302);
  }

  /** The provider's redirect back with a code (or an error), for the browser that started. */
  @Public()
  @Get('sign-in/callback')
  async providerCallback(
    @Req() req: Request,
    @Res() res: Response,
    @Query() query: Record<string, unknown>,
  ): Promise<void> {
    const outcome = await this.provider.complete(query, req.headers.cookie);
    // Single use: whatever happened, this browser's pending sign-in is spent.
    this.clearCookie(res, PROVIDER_COOKIE);
    switch (outcome.status) {
      case 'student': {
        if (!(await this.week.studentExists(outcome.tenantId, outcome.studentId)))
          return send(res, providerFailedPage());
        const { cookie } = await this.sessions.start(
          outcome.tenantId,
          outcome.studentId,
          'provider',
          null,
        );
        this.setCookie(res, cookie);
        return redirect(res, '/me');
      }
      case 'staff':
        return send(res, staffPage());
      case 'denied':
        return send(res, providerDeniedPage());
      case 'bad-state':
        return send(res, providerStateErrorPage());
      case 'not-enrolled':
        return send(res, providerNotEnrolledPage(outcome.message));
      case 'failed':
        return send(res, providerFailedPage());
      default: {
        const _exhaustive: never = outcome;
        return _exhaustive;
      }
    }
  }

  @Public()
  @Get()
  async page(
    @Req() req: Request,
    @Res() res: Response,
    @Query('pending') pending?: unknown,
    @Query('institution') institution?: unknown,
  ): Promise<void> {
    const session = await this.sessions.current(req.headers.cookie);
    if (!session) {
      this.clearCookie(res, SESSION_COOKIE);
      const known =
        typeof institution === 'string' ? await this.provider.institutionOf(institution) : null;
      return send(res, howToSignInPage(known));
    }
    const view = await this.week.view(session);
    if (!view) return send(res, invalidLinkPage());
    if (!view.enrolled) return send(res, notEnrolledPage(view.studentName, session.csrfToken));
    send(res, weekPage(view, session.csrfToken, pending === '1'));
  }

  @Public()
  @Post('actions')
  async act(
    @Req() req: Request,
    @Res() res: Response,
    @Body() body: (ActionForm & { csrf?: unknown }) | undefined,
  ): Promise<void> {
    const session = await this.checkedSession(req, body?.csrf);
    if (!session) return send(res, forbiddenPage());
    const result = await this.week.act(session, body ?? {});
    switch (result.status) {
      case 'invalid':
        return send(res, invalidActionPage());
      case 'refused':
        return send(res, refusedActionPage());
      case 'not-enrolled': {
        const view = await this.week.view(session);
        return send(res, notEnrolledPage(view?.studentName ?? '', session.csrfToken));
      }
      case 'recorded':
      case 'already-done':
        return redirect(res, result.caughtUp ? '/me' : '/me?pending=1');
      default: {
        const _exhaustive: never = result;
        return _exhaustive;
      }
    }
  }

  @Public()
  @Post('calendar/renew')
  async renewCalendar(
    @Req() req: Request,
    @Res() res: Response,
    @Body() body: { csrf?: unknown } | undefined,
  ): Promise<void> {
    const session = await this.checkedSession(req, body?.csrf);
    if (!session) return send(res, forbiddenPage());
    if (!(await this.week.renewCalendarFeed(session))) {
      const view = await this.week.view(session);
      return send(res, notEnrolledPage(view?.studentName ?? '', session.csrfToken));
    }
    redirect(res, '/me#calendar');
  }

  /** Ending a credential is always allowed, also to a student no longer enrolled. */
  @Public()
  @Post('calendar/revoke')
  async revokeCalendar(
    @Req() req: Request,
    @Res() res: Response,
    @Body() body: { csrf?: unknown } | undefined,
  ): Promise<void> {
    const session = await this.checkedSession(req, body?.csrf);
    if (!session) return send(res, forbiddenPage());
    await this.week.revokeCalendarFeed(session);
    redirect(res, '/me#calendar');
  }

  @Public()
  @Post('sign-out')
  async signOut(
    @Req() req: Request,
    @Res() res: Response,
    @Body() body: { csrf?: unknown } | undefined,
  ): Promise<void> {
    const session = await this.checkedSession(req, body?.csrf);
    if (!session) return send(res, forbiddenPage());
    await this.sessions.end(session);
    this.clearCookie(res, SESSION_COOKIE);
    send(res, signedOutPage());
  }

  /** The session, if the POST carries its CSRF token and (when the browser names one) our origin. */
  private async checkedSession(req: Request, csrf: unknown): Promise<WeekSession | null> {
    if (!this.sameOrigin(req)) return null;
    const session = await this.sessions.current(req.headers.cookie);
    return session && this.sessions.csrfMatches(session, csrf) ? session : null;
  }

  private sameOrigin(req: Request): boolean {
    const origin = req.headers.origin;
    return origin === undefined || origin === this.sessions.appOrigin;
  }

  private setCookie(res: Response, cookie: CookieSpec): void {
    res.cookie(cookie.name, cookie.value, {
      httpOnly: true,
      secure: this.sessions.secureCookies,
      sameSite: 'lax',
      path: COOKIE_PATH,
      maxAge: cookie.maxAgeSeconds * 1000,
      encode: String,
    });
  }

  private clearCookie(res: Response, name: string): void {
    res.clearCookie(name, {
      httpOnly: true,
      secure: this.sessions.secureCookies,
      sameSite: 'lax',
      path: COOKIE_PATH,
    });
  }
}

function redirect(res: Response, location: string, status = 303): void {
  res.status(status).set('Cache-Control', 'no-store').location(location).end();
}

// same-origin, not no-referrer: the forms' Origin check needs Chromium to send one.
const WITH_FORMS: PagePolicy = { referrer: 'same-origin', forms: "'self'" };
const send = (res: Response, page: Page): void => sendPage(res, page, WITH_FORMS);
