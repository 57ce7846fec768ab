import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '@rapport/domain';
import type { Response } from 'express';
import { AuthError, AuthErrorCode } from '../auth/auth.errors';
import { Public } from '../auth/public.decorator';
import {
  cohortPage,
  deactivatedPage,
  expiredPage,
  homePage,
  invalidPage,
  notFoundPage,
  notYoursPage,
  studentPage,
} from './advisor-view.pages';
import { type AdvisorViewer, AdvisorViewService } from './advisor-view.service';
import { type Page, type PagePolicy, sendPage } from '../common/html-page';

/**
 * Read-only pages behind the links of an advisor's digest (docs/adr/0021): no session, the
 * token in the query names the staff member, and every GET only reads. Public routes pay the
 * caller's address's rate limit (the global guard); the request log keeps the path only, never
 * the query string with the token.
 */
@Controller('advisor')
export class AdvisorViewController {
  constructor(private readonly view: AdvisorViewService) {}

  @Public()
  @Get()
  async home(@Res() res: Response, @Query('token') token?: unknown): Promise<void> {
    await this.render(res, token, async (viewer, value) =>
      homePage(viewer, await this.view.home(viewer), value),
    );
  }

  @Public()
  @Get('cohorts/:cohortId')
  async cohort(
    @Res() res: Response,
    @Param('cohortId') cohortId: string,
    @Query('token') token?: unknown,
  ): Promise<void> {
    await this.render(res, token, async (viewer, value) =>
      cohortPage(viewer, await this.view.cohort(viewer, cohortId), value),
    );
  }

  @Public()
  @Get('students/:studentId')
  async student(
    @Res() res: Response,
    @Param('studentId') studentId: string,
    @Query('token') token?: unknown,
  ): Promise<void> {
    await this.render(res, token, async (viewer, value) =>
      studentPage(viewer, await this.view.student(viewer, studentId), value),
    );
  }

  private async render(
    res: Response,
    token: unknown,
    page: (viewer: AdvisorViewer, token: string) => Promise<Page>,
  ): Promise<void> {
    const value = typeof token === 'string' ? token : '';
    const access = await this.view.open(value);
    switch (access.status) {
      case 'invalid':
        return send(res, invalidPage());
      case 'expired':
        return send(res, expiredPage(access.institutionName));
      case 'forbidden':
        return send(res, deactivatedPage());
      case 'ok':
        break;
      default: {
        const _exhaustive: never = access;
        return _exhaustive;
      }
    }
    try {
      send(res, await page(access.viewer, value));
    } catch (error) {
      // The access rules speak in errors; here they become pages (nothing personal in them).
      if (error instanceof AuthError && error.code === AuthErrorCode.Unauthenticated)
        return send(res, deactivatedPage());
      if (error instanceof AuthError && error.code === AuthErrorCode.Forbidden)
        return send(res, notYoursPage());
      if (error instanceof DomainError && error.code === DomainErrorCode.NOT_FOUND)
        return send(res, notFoundPage());
      throw error;
    }
  }
}

// No forms here, so no-referrer costs nothing and keeps the token from any other site.
const READ_ONLY: PagePolicy = { referrer: 'no-referrer', forms: "'none'" };
const send = (res: Response, page: Page): void => sendPage(res, page, READ_ONLY);
