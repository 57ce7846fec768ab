import { Module } from '@nestjs/common';
import { CohortModule } from '../cohort/cohort.module';
import { StudentRecordsRepository } from '../student/student-records.repository';
import { StudentModule } from '../student/student.module';
import { ImportsController } from './imports.controller';
import { ImportsService } from './imports.service';

@Module({
  imports: [CohortModule, StudentModule],
  controllers: [ImportsController],
  // Stateless, so a second instance beside CohortModule's costs nothing.
  providers: [ImportsService, StudentRecordsRepository],
})
export class ImportsModule {}
