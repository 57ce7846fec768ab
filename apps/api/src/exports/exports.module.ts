import { Module } from '@nestjs/common';
import { CohortModule } from '../cohort/cohort.module';
import { ContactModule } from '../contact/contact.module';
import { InterviewModule } from '../interview/interview.module';
import { ProgressModule } from '../progress/progress.module';
import { ProgressRepository } from '../progress/progress.repository';
import { StudentModule } from '../student/student.module';
import { ExportsController } from './exports.controller';
import { ExportsService } from './exports.service';

@Module({
  imports: [ProgressModule, CohortModule, ContactModule, InterviewModule, StudentModule],
  controllers: [ExportsController],
  // ProgressModule keeps its repository private; it is stateless, so a second instance here
  // (for the timeline pages) costs nothing.
  providers: [ExportsService, ProgressRepository],
})
export class ExportsModule {}
