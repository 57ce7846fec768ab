import { Module } from '@nestjs/common';
import { DigestTrackingService } from './digest-tracking.service';

@Module({
  providers: [DigestTrackingService],
  exports: [DigestTrackingService],
})
export class NudgeEffectModule {}
