import { Module } from '@nestjs/common';
import { ContactModule } from '../contact/contact.module';
import { InterviewModule } from '../interview/interview.module';
import { CohortFieldsResolver } from './cohort-fields.resolver';
import { DashboardCache } from './dashboard-cache';
import { ProgressRepository } from './progress.repository';
import { ProgressResolver } from './progress.resolver';
import { ProgressService } from './progress.service';
import { RequestLoaders } from './request-loaders';
import { StudentFieldsResolver } from './student-fields.resolver';

@Module({
  imports: [ContactModule, InterviewModule],
  providers: [
    ProgressRepository,
    ProgressService,
    DashboardCache,
    RequestLoaders,
    ProgressResolver,
    StudentFieldsResolver,
    CohortFieldsResolver,
  ],
  exports: [ProgressService, DashboardCache],
})
export class ProgressModule {}
