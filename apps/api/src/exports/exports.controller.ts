import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { Actor } from '../auth/actor';
import { sendDownload } from './download';
import { ExportsService } from './exports.service';
import { HttpActor } from './http-actor.decorator';

/** File downloads over plain HTTP, with the same bearer token as GraphQL. */
@Controller('exports')
export class ExportsController {
  constructor(private readonly exports: ExportsService) {}

  @Get('cohorts/:id.csv')
  async cohortStudents(
    @HttpActor() actor: Actor,
    @Param('id') cohortId: string,
    @Query('asOf') asOf: unknown,
    @Res() res: Response,
  ): Promise<void> {
    sendDownload(res, await this.exports.cohortStudentsCsv(actor, cohortId, asOf));
  }

  @Get('cohorts/:id/dashboard.csv')
  async cohortDashboard(
    @HttpActor() actor: Actor,
    @Param('id') cohortId: string,
    @Query('asOf') asOf: unknown,
    @Res() res: Response,
  ): Promise<void> {
    sendDownload(res, await this.exports.cohortDashboardCsv(actor, cohortId, asOf));
  }

  @Get('me.json')
  async myData(@HttpActor() actor: Actor, @Res() res: Response): Promise<void> {
    sendDownload(res, await this.exports.myDataJson(actor));
  }

  @Get('students/:id.json')
  async studentData(
    @HttpActor() actor: Actor,
    @Param('id') studentId: string,
    @Res() res: Response,
  ): Promise<void> {
    sendDownload(res, await this.exports.studentDataJsonForAdmin(actor, studentId));
  }
}
