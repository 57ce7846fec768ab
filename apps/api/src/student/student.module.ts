import { Module } from '@nestjs/common';
import { EmailChangeModule } from '../email-change/email-change.module';
import { StudentResolver } from './student.resolver';
import { StudentService } from './student.service';

@Module({
  imports: [EmailChangeModule],
  providers: [StudentResolver, StudentService],
  exports: [StudentService],
})
export class StudentModule {}
