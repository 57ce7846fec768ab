import { Module } from '@nestjs/common';
import { CohortModule } from '../cohort/cohort.module';
import { DigestModule } from '../digest/digest.module';
import { ProgressModule } from '../progress/progress.module';
import { AdvisorViewController } from './advisor-view.controller';
import { AdvisorViewService } from './advisor-view.service';

/** The read-only pages an advisor digest's links open (docs/adr/0021). */
@Module({
  imports: [CohortModule, DigestModule, ProgressModule],
  controllers: [AdvisorViewController],
  providers: [AdvisorViewService],
})
export class AdvisorViewModule {}
