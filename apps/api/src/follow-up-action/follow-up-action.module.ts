import { Module } from '@nestjs/common';
import { DigestModule } from '../digest/digest.module';
import { InterviewModule } from '../interview/interview.module';
import { NudgeEffectModule } from '../nudge-effect/nudge-effect.module';
import { ProgressModule } from '../progress/progress.module';
import { FollowUpActionController, SignInLinkController } from './follow-up-action.controller';
import { FollowUpActionService } from './follow-up-action.service';
import { SignInLinkService } from './sign-in-link.service';

/** A follow-up's next step, from a digest's action link or the week page. */
@Module({
  imports: [InterviewModule, ProgressModule, DigestModule, NudgeEffectModule],
  controllers: [FollowUpActionController, SignInLinkController],
  providers: [FollowUpActionService, SignInLinkService],
  exports: [FollowUpActionService, SignInLinkService],
})
export class FollowUpActionModule {}
