import { Module } from '@nestjs/common';
import { InterviewModule } from '../interview/interview.module';
import { ProgressModule } from '../progress/progress.module';
import { FollowUpActionService } from './follow-up-action.service';

@Module({
  imports: [InterviewModule, ProgressModule],
  providers: [FollowUpActionService],
  exports: [FollowUpActionService],
})
export class FollowUpActionModule {}
