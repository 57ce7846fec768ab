import { Controller, Get, Header, HttpCode, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../auth/public.decorator';
import { escapeHtml } from '@rapport/notifications';
import { UnsubscribeService } from './unsubscribe.service';

@Controller('unsubscribe')
export class UnsubscribeController {
  constructor(private readonly service: UnsubscribeService) {}

  /** RFC 8058: mail clients POST `List-Unsubscribe=One-Click` to the List-Unsubscribe URL. */
  @Public()
  @Post()
  @HttpCode(200)
  async oneClick(
    @Res({ passthrough: true }) res: Response,
    @Query('token') token?: string,
  ): Promise<string> {
    await this.service.unsubscribe(token);
    // Set only on success: a @Header() is applied before the handler runs, and would label
    // the JSON error body of a bad token as text/plain.
    res.type('text/plain; charset=utf-8');
    return 'You will receive no more weekly digests.';
  }

  /** A person following the link gets a button: a GET must not unsubscribe (link scanners follow links). */
  @Public()
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  page(@Query('token') token = ''): string {
    return `<!doctype html><html lang="en"><meta charset="utf-8"><title>Unsubscribe</title>
<body style="font-family:sans-serif;max-width:32rem;margin:3rem auto">
<h1>Stop the weekly digest?</h1>
<form method="post" action="/unsubscribe?token=${encodeURIComponent(escapeHtml(token))}">
<button type="submit">Unsubscribe</button></form></body></html>`;
  }
}
