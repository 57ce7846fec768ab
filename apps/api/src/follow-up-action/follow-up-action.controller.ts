import { Body, Controller, Get, Inject, Post, Query, Req, Res } from '@nestjs/common';
import {
  type FollowUpStepKind,
  followUpStepKinds,
  isDomainError,
  type StudentState,
  streamIds,
} from '@rapport/domain';
import {
  type FollowUpActionPayload,
  NO_DIGEST,
  signWeekSignInToken,
  verifyFollowUpActionToken,
  weekSignInUrl,
} from '@rapport/notifications';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG } from '../app-config.token';
import { AuthError, AuthErrorCode } from '../auth/auth.errors';
import { Public } from '../auth/public.decorator';
import type { RapportRequest } from '../auth/request-context';
import type { AppConfig } from '../config/app-config';
import { DigestScheduler } from '../digest/digest-scheduler.service';
import { DigestTrackingService } from '../nudge-effect/digest-tracking.service';
import type { CommandContext } from '../write/command-context';
import { AggregateStatesRepository } from '../write/aggregate-states.repository';
import {
  FollowUpActionService,
  type FollowUpRef,
  studentWebActor,
} from './follow-up-action.service';
import {
  badChoicePage,
  confirmPage,
  donePage,
  expiredPage,
  failedPage,
  forbiddenPage,
  invalidPage,
  questionNeededPage,
  signInLinkRequestedPage,
} from './follow-up-action.pages';
import { parseStepChoice } from './follow-up-step.form';
import { SignInLinkService } from './sign-in-link.service';
import { type Page, sendPage } from '../common/html-page';

interface ActionForm {
  token?: unknown;
  channel?: unknown;
  touchpoint?: unknown;
  question?: unknown;
}

type Resolved =
  | { ok: true; payload: FollowUpActionPayload & { kind: FollowUpStepKind }; ref: FollowUpRef }
  | { ok: false; page: Page };

/**
 * A digest's action links: the signed token is the credential, no session. A GET only shows
 * the button (mail scanners prefetch links); the form's POST takes the step through the same
 * services as GraphQL.
 */
@Controller('act')
export class FollowUpActionController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly actions: FollowUpActionService,
    private readonly states: AggregateStatesRepository,
    private readonly tracking: DigestTrackingService,
    private readonly scheduler: DigestScheduler,
  ) {}

  @Public()
  @Get()
  async page(
    @Req() req: RapportRequest,
    @Res() res: Response,
    @Query('token') token?: unknown,
  ): Promise<void> {
    const now = new Date();
    const resolved = await this.resolve(token, now);
    if (!resolved.ok) return sendPage(res, resolved.page);
    const { payload, ref } = resolved;
    try {
      const item = await this.actions.outstanding(this.context(req, payload, now), ref);
      sendPage(
        res,
        item
          ? confirmPage(payload.kind, String(token))
          : donePage(payload.kind, false, this.weekUrl(payload, now)),
      );
    } catch (error) {
      sendPage(res, this.errorPage(error, payload, now));
    }
  }

  @Public()
  @Post()
  async act(
    @Req() req: RapportRequest,
    @Res() res: Response,
    @Body() body: ActionForm | undefined,
  ): Promise<void> {
    const now = new Date();
    const resolved = await this.resolve(body?.token, now);
    if (!resolved.ok) return sendPage(res, resolved.page);
    const { payload, ref } = resolved;
    const choice = parseStepChoice(payload.kind, body ?? {});
    if (choice === 'bad-choice') return sendPage(res, badChoicePage());
    if (choice === 'question-needed') return sendPage(res, questionNeededPage());
    try {
      const outcome = await this.actions.perform(this.context(req, payload, now), ref, choice);
      if (payload.digestId !== NO_DIGEST)
        await this.tracking.opened(
          payload.tenantId,
          payload.studentId,
          payload.digestId,
          'action-link',
          now,
        );
      sendPage(res, donePage(payload.kind, outcome === 'recorded', this.weekUrl(payload, now)));
    } catch (error) {
      sendPage(res, this.errorPage(error, payload, now));
    }
  }

  /** The token's step, if the token is genuine, current and names a registered student here. */
  private async resolve(token: unknown, now: Date): Promise<Resolved> {
    const verified = verifyFollowUpActionToken(token, this.scheduler.unsubscribeSecret, now);
    if (!verified.ok)
      return {
        ok: false,
        page: verified.reason === 'expired' ? expiredPage(String(token)) : invalidPage(),
      };
    const { payload } = verified;
    const kind = followUpStepKinds.find((k) => k === payload.kind);
    if (!kind) return { ok: false, page: invalidPage() };
    const student = await this.states.find<StudentState>(
      payload.tenantId,
      streamIds.student(payload.studentId),
    );
    // An erased student's links name nobody any more (docs/adr/0025).
    if (student?.state.status !== 'registered' || student.state.erased)
      return { ok: false, page: invalidPage() };
    // A student who left owes nothing, so their old links would read "already done": say why.
    const { tenantId, studentId } = payload;
    if (!(await this.states.enrolledAmong(tenantId, [studentId])).has(studentId))
      return { ok: false, page: forbiddenPage() };
    const ref: FollowUpRef = {
      kind,
      ...(payload.interviewId !== undefined ? { interviewId: payload.interviewId } : {}),
      ...(payload.contactId !== undefined ? { contactId: payload.contactId } : {}),
    };
    return { ok: true, payload: { ...payload, kind }, ref };
  }

  /**
   * The student acting through the link. No clientMutationId: the service derives it from the
   * item's occurrence, so this link, a repeated POST and the week page all take the step once.
   */
  private context(req: RapportRequest, payload: FollowUpActionPayload, now: Date): CommandContext {
    return {
      actor: studentWebActor(payload.tenantId, payload.studentId),
      correlationId: req.correlationId ?? randomUUID(),
      now,
      ...(payload.digestId !== NO_DIGEST ? { digestId: payload.digestId } : {}),
    };
  }

  /** A fresh link to the week, from the same digest. */
  private weekUrl(payload: FollowUpActionPayload, now: Date): string {
    const { tenantId, studentId, digestId } = payload;
    const token = signWeekSignInToken(
      { tenantId, studentId, digestId },
      this.scheduler.unsubscribeSecret,
      now,
    );
    return weekSignInUrl(this.config.mail.appUrl, token);
  }

  /** Refusals become pages without personal data; anything else is a server error. */
  private errorPage(error: unknown, payload: FollowUpActionPayload, now: Date): Page {
    if (error instanceof AuthError && error.code === AuthErrorCode.Forbidden)
      return forbiddenPage();
    if (isDomainError(error)) return failedPage(this.weekUrl(payload, now));
    throw error;
  }
}

/** Asks for a fresh sign-in link from an expired link's page. */
@Controller('me/sign-in-link')
export class SignInLinkController {
  constructor(private readonly links: SignInLinkService) {}

  @Public()
  @Post()
  async request(
    @Res() res: Response,
    @Body() body: { token?: unknown } | undefined,
  ): Promise<void> {
    await this.links.request(body?.token, new Date());
    sendPage(res, signInLinkRequestedPage());
  }
}
