import { Module } from '@nestjs/common';
import { DigestModule } from '../digest/digest.module';
import { CohortResolver } from './cohort.resolver';
import { StudentRecordsRepository } from '../student/student-records.repository';
import { CohortService } from './cohort.service';
import { WelcomeMail } from './welcome-mail.service';

@Module({
  imports: [DigestModule],
  providers: [CohortResolver, CohortService, WelcomeMail, StudentRecordsRepository],
  exports: [CohortService],
})
export class CohortModule {}
