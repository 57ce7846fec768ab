import { Module } from '@nestjs/common';
import { DigestModule } from '../digest/digest.module';
import { ProgressModule } from '../progress/progress.module';
import { CalendarFeedController } from './calendar-feed.controller';
import { CalendarFeedResolver } from './calendar-feed.resolver';
import { CalendarFeedService } from './calendar-feed.service';

/** Students' private calendar feeds: the URL, its renewal and revocation, and the .ics itself. */
@Module({
  imports: [DigestModule, ProgressModule],
  controllers: [CalendarFeedController],
  providers: [CalendarFeedService, CalendarFeedResolver],
  exports: [CalendarFeedService],
})
export class CalendarModule {}
