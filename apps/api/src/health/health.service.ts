import { Inject, Injectable } from '@nestjs/common';
import {
  DATABASE_HANDLE,
  type DatabaseHandle,
  PROJECTIONS,
  type Projection,
  statusOf,
} from '@rapport/event-store';
import { DatabaseMode, type Health } from './health.model';

@Injectable()
export class HealthService {
  constructor(
    @Inject(DATABASE_HANDLE) private readonly handle: DatabaseHandle,
    @Inject(PROJECTIONS) private readonly projections: readonly Projection[],
  ) {}

  async health(): Promise<Health> {
    const statuses = await statusOf(this.handle.database, this.projections);
    return {
      status: 'ok',
      databaseMode: this.handle.mode === 'server' ? DatabaseMode.server : DatabaseMode.embedded,
      projections: statuses.map((s) => ({
        name: s.name,
        mode: s.mode,
        position: s.checkpoint
          ? `${s.checkpoint.transactionId}/${s.checkpoint.globalPosition}`
          : null,
        lagEvents: s.lagEvents,
        lagSeconds: s.lagSeconds,
      })),
    };
  }
}
