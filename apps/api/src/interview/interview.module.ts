import { Module } from '@nestjs/common';
import { ContactModule } from '../contact/contact.module';
import { InterviewViews } from './interview-views.repository';
import { InterviewResolver } from './interview.resolver';
import { InterviewService } from './interview.service';

@Module({
  imports: [ContactModule],
  providers: [InterviewResolver, InterviewService, InterviewViews],
  exports: [InterviewService, InterviewViews],
})
export class InterviewModule {}
