import { Body, Controller, Get, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../auth/public.decorator';
import { confirmationPage } from './email-change.pages';
import { EmailChangeService } from './email-change.service';
import { sendPage } from '../common/html-page';

/** The link in a confirmation message: the signed token is the credential, no login. */
@Controller('email-confirmations')
export class EmailChangeController {
  constructor(private readonly service: EmailChangeService) {}

  /** Shows a button: a GET changes nothing, since mail scanners follow links. */
  @Public()
  @Get()
  async page(@Res() res: Response, @Query('token') token?: unknown): Promise<void> {
    const value = typeof token === 'string' ? token : '';
    sendPage(res, confirmationPage(await this.service.check(value, new Date()), value));
  }

  @Public()
  @Post()
  async confirm(
    @Res() res: Response,
    @Body() body: { token?: unknown } | undefined,
    @Query('token') queryToken?: unknown,
  ): Promise<void> {
    const token = body?.token ?? queryToken;
    const value = typeof token === 'string' ? token : '';
    sendPage(res, confirmationPage(await this.service.confirm(value, new Date()), value));
  }
}
