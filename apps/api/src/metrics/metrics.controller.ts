import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { APP_CONFIG } from '../app-config.token';
import { bearerToken } from '../auth/authenticator.service';
import { Public } from '../auth/public.decorator';
import type { AppConfig } from '../config/app-config';
import { MetricsService } from './metrics.service';

@Controller('metrics')
export class MetricsController {
  private readonly expected: Buffer | null;

  constructor(
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.expected = config.metricsToken ? digest(config.metricsToken) : null;
  }

  /** Prometheus text format; with METRICS_TOKEN set, only for a scraper that sends it. */
  @Public()
  @Get()
  async scrape(@Req() request: Request, @Res() response: Response): Promise<void> {
    if (this.expected && !this.authorized(request)) {
      response
        .status(401)
        .setHeader('WWW-Authenticate', 'Bearer realm="metrics"')
        .json({
          error: { code: 'UNAUTHENTICATED', message: 'The metrics token is missing or wrong' },
        });
      return;
    }
    response.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }

  private authorized(request: Request): boolean {
    const token = bearerToken(request.headers.authorization);
    // Comparing fixed-length digests takes the same time whatever the token's length or prefix.
    return token !== undefined && timingSafeEqual(digest(token), this.expected!);
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
