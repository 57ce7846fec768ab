import { Module } from '@nestjs/common';
import { CalendarModule } from '../calendar/calendar.module';
import { DigestModule } from '../digest/digest.module';
import { FollowUpActionModule } from '../follow-up-action/follow-up-action.module';
import { NudgeEffectModule } from '../nudge-effect/nudge-effect.module';
import { ProgressModule } from '../progress/progress.module';
import { WeekSessionService, WeekClock } from './week-session.service';
import { WeekController } from './week.controller';
import { WeekService } from './week.service';
import { ProviderSignIn } from './provider-sign-in.service';

/** The student's "My week" page: sessions, the page, and its one-step forms. */
@Module({
  imports: [CalendarModule, DigestModule, FollowUpActionModule, NudgeEffectModule, ProgressModule],
  controllers: [WeekController],
  providers: [WeekClock, WeekSessionService, WeekService, ProviderSignIn],
  exports: [WeekClock, WeekSessionService],
})
export class WeekModule {}
