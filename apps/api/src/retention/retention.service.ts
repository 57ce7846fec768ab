import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  defaultInstitutionSettings,
  eventSchemaVersions,
  type InstitutionState,
  streamIds,
} from '@rapport/domain';
import { Database, EventStore, Tenants } from '@rapport/event-store';
import { deterministicUuid } from '../common/ids';
import { AggregateStatesRepository } from '../write/aggregate-states.repository';
import { RetentionRepository } from './retention.repository';
import { STUDENT_ERASER, type StudentEraser } from './student-eraser';

export interface RetentionSweep {
  tenantId: string;
  /** The institution's local day the sweep ran for. */
  day: string;
  erasedStudentIds: string[];
}

/**
 * The daily retention job: per institution and local day, once, erases the students whose last
 * cohort ended longer ago than the institution keeps them, and records what it did
 * (`RetentionSweepCompleted`, ids only). The listing of institutions is the only cross-tenant
 * step (the worker role, docs/adr/0011); everything else runs per tenant under RLS.
 */
@Injectable()
export class RetentionService {
  private readonly logger = new Logger('Retention');

  constructor(
    private readonly database: Database,
    private readonly store: EventStore,
    private readonly tenants: Tenants,
    private readonly states: AggregateStatesRepository,
    private readonly runs: RetentionRepository,
    @Inject(STUDENT_ERASER) private readonly eraser: StudentEraser,
  ) {}

  /** One tick: every institution whose day has not been swept yet. Returns the sweeps run. */
  async tick(now = new Date()): Promise<RetentionSweep[]> {
    const done: RetentionSweep[] = [];
    for (const tenant of await this.tenants.list()) {
      try {
        const sweep = await this.sweep(tenant.tenantId, now);
        if (sweep) done.push(sweep);
      } catch (error) {
        this.logger.error(
          `retention sweep for tenant ${tenant.tenantId} failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    return done;
  }

  /** Sweeps the institution's day if nobody has; null when it was swept (or is being swept). */
  async sweep(tenantId: string, now: Date): Promise<RetentionSweep | null> {
    const institution = await this.states.find<InstitutionState>(tenantId, streamIds.institution());
    if (institution?.state.status !== 'registered') return null;
    const { timeZone } = institution.state;
    const months = {
      ...defaultInstitutionSettings,
      ...institution.state.settings,
    }.retentionMonthsAfterCohortEnd;
    const day = localDay(now, timeZone);
    if (!(await this.runs.claim(tenantId, day))) return null;

    const erasedStudentIds: string[] = [];
    for (const studentId of await this.runs.due(tenantId, day, months)) {
      // The erasure is idempotent itself: a sweep taken over after a crash skips the erased.
      if (
        (await this.eraser.eraseStudentAsSystem(tenantId, studentId, 'retention', now)) === 'erased'
      )
        erasedStudentIds.push(studentId);
    }
    await this.complete(tenantId, day, erasedStudentIds, now);
    this.logger.log(
      `retention ${day} tenant ${tenantId}: ${erasedStudentIds.length} students erased${erasedStudentIds.length ? ` (${erasedStudentIds.join(', ')})` : ''}`,
    );
    return { tenantId, day, erasedStudentIds };
  }

  /** The report event and the run's completion commit together; the event id is the day's. */
  private async complete(
    tenantId: string,
    day: string,
    erasedStudentIds: string[],
    now: Date,
  ): Promise<void> {
    const eventId = deterministicUuid(`${tenantId}|retention|${day}`);
    await this.database.withTenant(tenantId, async (tx) => {
      await this.store.append(
        tenantId,
        streamIds.institution(),
        [
          {
            eventId,
            type: 'RetentionSweepCompleted',
            data: { day, erasedStudentIds, at: now.toISOString() },
            schemaVersion: eventSchemaVersions.RetentionSweepCompleted,
            metadata: { actorId: 'retention', actorRole: 'system', correlationId: eventId },
          },
        ],
        { tx },
      );
      await tx.execute(
        `UPDATE retention_runs SET completed_at = now(), erased = $3
          WHERE tenant_id = $1 AND day = $2`,
        [tx.tenantId, day, erasedStudentIds.length],
      );
    });
  }
}

/** The calendar day at `now` in the institution's time zone (cohort end dates are local days). */
export function localDay(now: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}
