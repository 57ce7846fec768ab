import { Inject, Injectable } from '@nestjs/common';
import {
  DATABASE_HANDLE,
  type DatabaseHandle,
  EventStore,
  PROJECTIONS,
  type Projection,
  statusOf,
} from '@rapport/event-store';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** Clients choose operation names: past this many distinct ones, new names count as 'other'. */
export const MAX_OPERATION_LABELS = 200;

/**
 * Prometheus metrics of this process. Counters are in-process (scrape every instance); the
 * projection lag is read from the database at scrape time.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly appends = new Counter({
    name: 'rapport_appended_events_total',
    help: 'Events appended',
    registers: [this.registry],
  });
  private readonly conflicts = new Counter({
    name: 'rapport_append_conflicts_total',
    help: 'Writes refused for a wrong expected version',
    registers: [this.registry],
  });
  private readonly operations = new Histogram({
    name: 'rapport_graphql_operation_seconds',
    help: 'GraphQL operation latency',
    labelNames: ['operation', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  private readonly rateLimited = new Counter({
    name: 'rapport_rate_limited_total',
    help: 'Requests refused for an exhausted operation budget, by scope (user or tenant)',
    labelNames: ['scope'],
    registers: [this.registry],
  });
  private readonly operationLabels = new Set<string>();
  readonly digests = new Counter({
    name: 'rapport_digests_total',
    help: 'Digests by outcome: scheduled, sent, retried, dead',
    labelNames: ['outcome'],
    registers: [this.registry],
  });

  constructor(
    store: EventStore,
    @Inject(DATABASE_HANDLE) handle: DatabaseHandle,
    @Inject(PROJECTIONS) projections: readonly Projection[],
  ) {
    store.onAppended((events) => this.appends.inc(events));
    store.onConflict(() => this.conflicts.inc());
    new Gauge({
      name: 'rapport_projection_lag_events',
      help: 'Committed events an async projection has not applied yet',
      labelNames: ['projection'],
      registers: [this.registry],
      async collect() {
        for (const status of await statusOf(handle.database, projections))
          this.set({ projection: status.name }, status.lagEvents);
      },
    });
  }

  /** A write refused before the append because the client's expected version was stale. */
  staleWrite(): void {
    this.conflicts.inc();
  }

  /** Times one GraphQL operation; client-chosen names are kept only when they look like names. */
  observeOperation(name: string | null | undefined, seconds: number, failed: boolean): void {
    this.operations.observe(
      { operation: this.operationLabel(name), outcome: failed ? 'error' : 'ok' },
      seconds,
    );
  }

  refusedByRateLimit(scope: 'user' | 'tenant'): void {
    this.rateLimited.inc({ scope });
  }

  private operationLabel(name: string | null | undefined): string {
    if (!name || !OPERATION_NAME.test(name)) return 'anonymous';
    if (this.operationLabels.has(name)) return name;
    if (this.operationLabels.size >= MAX_OPERATION_LABELS) return 'other';
    this.operationLabels.add(name);
    return name;
  }
}
