import { Module } from '@nestjs/common';
import { InterviewDetailsReader } from './interview-details.reader';
import { InterviewResolver } from './interview.resolver';
import { InterviewService } from './interview.service';

@Module({
  providers: [InterviewResolver, InterviewService, InterviewDetailsReader],
  exports: [InterviewService, InterviewDetailsReader],
})
export class InterviewModule {}
