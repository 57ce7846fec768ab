import { Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Actor } from '../auth/actor';
import type { RapportRequest } from '../auth/request-context';
import { HttpActor } from '../exports/http-actor.decorator';
import { type RosterImportReport, ImportsService } from './imports.service';

/** File uploads over plain HTTP, with the same bearer token as GraphQL. */
@Controller('imports')
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  @Post('cohorts/:cohortId/roster.csv')
  @HttpCode(200)
  roster(
    @HttpActor() actor: Actor,
    @Param('cohortId') cohortId: string,
    @Req() req: RapportRequest,
  ): Promise<RosterImportReport> {
    const context = { actor, correlationId: req.correlationId ?? randomUUID(), now: new Date() };
    return this.imports.importRoster(context, cohortId, req, req.headers);
  }
}
