import { Controller, Get, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../auth/public.decorator';
import { CalendarFeedService } from './calendar-feed.service';

/**
 * `GET /calendar/<token>.ics`: calendar apps poll it without a session, so the signed token is
 * the credential. Anything but a current feed is a bare 404: no hint whether the token was
 * forged, renewed or revoked. Rate limited per address like every public route (global guard).
 */
@Controller('calendar')
export class CalendarFeedController {
  constructor(private readonly feeds: CalendarFeedService) {}

  @Public()
  @Get(':file')
  async feed(@Param('file') file: string, @Res() res: Response): Promise<void> {
    const token = file.endsWith('.ics') ? file.slice(0, -'.ics'.length) : null;
    const body = token ? await this.feeds.render(token, new Date()) : null;
    // The URL is a credential: kept out of shared caches and out of Referer headers.
    res.set('Cache-Control', 'private, no-store').set('Referrer-Policy', 'no-referrer');
    if (body === null) {
      res.status(404).type('text/plain; charset=utf-8').send('Not Found');
      return;
    }
    res
      .status(200)
      .type('text/calendar; charset=utf-8')
      .set('Content-Disposition', 'inline; filename="rapport.ics"')
      .send(body);
  }
}
