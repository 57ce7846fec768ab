import {
  Inject,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import type { MailTransport } from '@rapport/notifications';
import { APP_CONFIG } from '../app-config.token';
import type { AppConfig } from '../config/app-config';
import { ProgressModule } from '../progress/progress.module';
import { DigestAdminService } from './digest-admin.service';
import { DigestDelivery } from './digest-delivery.service';
import { DigestRepository } from './digest.repository';
import { DigestResolver } from './digest.resolver';
import { DigestScheduler } from './digest-scheduler.service';
import { createMailTransport, MAIL_TRANSPORT } from './mail-transport.provider';
import { UnsubscribeController } from './unsubscribe.controller';
import { UnsubscribeService } from './unsubscribe.service';

@Module({
  imports: [ProgressModule],
  controllers: [UnsubscribeController],
  providers: [
    {
      provide: MAIL_TRANSPORT,
      inject: [APP_CONFIG],
      useFactory: (c: AppConfig) => createMailTransport(c.mail),
    },
    DigestRepository,
    DigestScheduler,
    DigestDelivery,
    DigestAdminService,
    DigestResolver,
    UnsubscribeService,
  ],
  exports: [DigestScheduler, DigestDelivery, DigestRepository, MAIL_TRANSPORT],
})
export class DigestModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Digests');
  private busy = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MAIL_TRANSPORT) private readonly transport: MailTransport,
    private readonly registry: SchedulerRegistry,
    private readonly scheduler: DigestScheduler,
    private readonly delivery: DigestDelivery,
  ) {}

  /** The tick and the worker run on timers; the database keys make several processes safe. */
  onApplicationBootstrap(): void {
    if (!this.config.digest.enabled) return;
    this.registry.addInterval(
      'digest-tick',
      setInterval(() => this.run(() => this.scheduler.tick()), this.config.digest.tickMs),
    );
    this.registry.addInterval(
      'digest-delivery',
      setInterval(() => this.run(() => this.delivery.deliverDue()), this.config.digest.deliveryMs),
    );
    // A slot missed while the app was down is due now: do not wait for the first interval.
    setImmediate(() => this.run(() => this.scheduler.tick()));
  }

  async onApplicationShutdown(): Promise<void> {
    for (const name of ['digest-tick', 'digest-delivery']) {
      if (this.registry.doesExist('interval', name)) this.registry.deleteInterval(name);
    }
    await this.transport.close();
  }

  /** One job at a time per process; errors are logged, the timers keep going. */
  private run(job: () => Promise<unknown>): void {
    if (this.busy) return;
    this.busy = true;
    job()
      .catch((error: unknown) =>
        this.logger.error(error instanceof Error ? error.message : String(error)),
      )
      .finally(() => (this.busy = false));
  }
}
