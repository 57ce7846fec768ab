import {
  Inject,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { APP_CONFIG } from '../app-config.token';
import type { AppConfig } from '../config/app-config';
import { RetentionRepository } from './retention.repository';
import { RetentionService } from './retention.service';
import { ErasureModule } from '../erasure/erasure.module';
import { ErasureService } from '../erasure/erasure.service';
import { STUDENT_ERASER } from './student-eraser';

@Module({
  imports: [ErasureModule],
  providers: [
    RetentionRepository,
    RetentionService,
    { provide: STUDENT_ERASER, useExisting: ErasureService },
  ],
  exports: [RetentionService],
})
export class RetentionModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Retention');
  private busy = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: SchedulerRegistry,
    private readonly retention: RetentionService,
  ) {}

  /** A timer checks every tick; the day's row in retention_runs makes it daily and single. */
  onApplicationBootstrap(): void {
    if (!this.config.retention?.enabled) return;
    this.registry.addInterval(
      'retention-tick',
      setInterval(() => this.run(), this.config.retention.tickMs),
    );
    setImmediate(() => this.run());
  }

  onApplicationShutdown(): void {
    if (this.registry.doesExist('interval', 'retention-tick'))
      this.registry.deleteInterval('retention-tick');
  }

  private run(): void {
    if (this.busy) return;
    this.busy = true;
    this.retention
      .tick()
      .catch((error: unknown) =>
        this.logger.error(error instanceof Error ? error.message : String(error)),
      )
      .finally(() => (this.busy = false));
  }
}
