import { Module } from '@nestjs/common';
import { ProgressModule } from '../progress/progress.module';
import { ErasureResolver } from './erasure.resolver';
import { ErasureService } from './erasure.service';

/** Erasing students and staff members (docs/adr/0025); the retention job calls the service. */
@Module({
  imports: [ProgressModule],
  providers: [ErasureService, ErasureResolver],
  exports: [ErasureService],
})
export class ErasureModule {}
