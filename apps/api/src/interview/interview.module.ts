import { Module } from '@nestjs/common';
import { ContactModule } from '../contact/contact.module';
import { InterviewDetailsReader } from './interview-details.reader';
import { InterviewResolver } from './interview.resolver';
import { InterviewService } from './interview.service';

@Module({
  imports: [ContactModule],
  providers: [InterviewResolver, InterviewService, InterviewDetailsReader],
  exports: [InterviewService, InterviewDetailsReader],
})
export class InterviewModule {}
