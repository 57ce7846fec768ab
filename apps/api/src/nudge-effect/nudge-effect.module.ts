import { Module } from '@nestjs/common';
import { DigestTrackingService } from './digest-tracking.service';
import { NudgeEffectResolver } from './nudge-effect.resolver';
import { NudgeEffectService } from './nudge-effect.service';

@Module({
  providers: [DigestTrackingService, NudgeEffectService, NudgeEffectResolver],
  exports: [DigestTrackingService],
})
export class NudgeEffectModule {}
