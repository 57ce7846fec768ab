import { Module } from '@nestjs/common';
import { CohortResolver } from './cohort.resolver';
import { StudentRecordsRepository } from '../student/student-records.repository';
import { CohortService } from './cohort.service';

@Module({
  providers: [CohortResolver, CohortService, StudentRecordsRepository],
  exports: [CohortService],
})
export class CohortModule {}
