import { Module } from '@nestjs/common';
import { DigestModule } from '../digest/digest.module';
import { EmailChangeController } from './email-change.controller';
import { EmailChangeService } from './email-change.service';

/** Confirmation of a student's new email address: its message, link and page. */
@Module({
  imports: [DigestModule],
  controllers: [EmailChangeController],
  providers: [EmailChangeService],
  exports: [EmailChangeService],
})
export class EmailChangeModule {}
