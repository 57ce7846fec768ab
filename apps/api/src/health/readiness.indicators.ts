import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import {
  DATABASE_HANDLE,
  type DatabaseHandle,
  PROJECTIONS,
  type Projection,
  statusOf,
} from '@rapport/event-store';
import { APP_CONFIG } from '../app-config.token';
import type { AppConfig } from '../config/app-config';
import { migrations } from '../database/migrations';

/** What /health/ready checks: the database answers, every migration ran, projections keep up. */
@Injectable()
export class ReadinessIndicators {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @Inject(DATABASE_HANDLE) private readonly handle: DatabaseHandle,
    @Inject(PROJECTIONS) private readonly projections: readonly Projection[],
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async database() {
    const check = this.indicators.check('database');
    try {
      const applied = await this.handle.database.withoutTenant((tx) =>
        tx.query<{ name: string }>(`SELECT name FROM migrations`),
      );
      const names = new Set(applied.map((m) => m.name));
      const pending = migrations
        .map((m) => new m().name)
        .filter((name) => name && !names.has(name));
      return pending.length === 0
        ? check.up({ mode: this.handle.mode })
        : check.down({ message: 'migrations pending', pending });
    } catch {
      return check.down({ message: 'database unreachable' });
    }
  }

  async projectionLag() {
    const check = this.indicators.check('projections');
    const limit = this.config.readiness.maxProjectionLagSeconds;
    try {
      const statuses = await statusOf(this.handle.database, this.projections);
      const behind = statuses
        .filter((s) => s.lagEvents > 0 && s.lagSeconds >= limit)
        .map((s) => ({ name: s.name, lagSeconds: Math.round(s.lagSeconds) }));
      return behind.length === 0
        ? check.up({ maxLagSeconds: limit })
        : check.down({ message: 'projections lag', behind });
    } catch {
      return check.down({ message: 'projection status unavailable' });
    }
  }
}
