import { Inject, Injectable } from '@nestjs/common';
import {
  type CohortState,
  type DomainEvent,
  type InstitutionState,
  type StudentEnrolled,
  streamIds,
  welcomesNewStudents,
} from '@rapport/domain';
import type { Tx } from '@rapport/event-store';
import { renderWelcome } from '@rapport/notifications';
import { APP_CONFIG } from '../app-config.token';
import type { AppConfig } from '../config/app-config';
import { DigestRepository } from '../digest/digest.repository';
import { deterministicUuid } from '../common/ids';
import { CommandExecutor } from '../write/command-executor';

type ActiveCohort = Extract<CohortState, { status: 'active' }>;

/**
 * The welcome email of each newly enrolled student, queued in the enrolment's own transaction:
 * no enrolment commits without its message, and none is queued for one that rolls back.
 */
@Injectable()
export class WelcomeMail {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly executor: CommandExecutor,
    private readonly outbox: DigestRepository,
  ) {}

  /** Queues a welcome per StudentEnrolled in `decided`, unless the cohort has them turned off. */
  async queue(tx: Tx, cohort: ActiveCohort, decided: readonly DomainEvent[]): Promise<void> {
    const events = decided.filter((e): e is StudentEnrolled => e.type === 'StudentEnrolled');
    if (events.length === 0 || !welcomesNewStudents(cohort)) return;
    const tenantId = tx.tenantId!;
    const institution = await this.executor.load<InstitutionState>(
      tenantId,
      streamIds.institution(),
      tx,
    );
    if (institution.state.status !== 'registered') return;
    const { name, settings } = institution.state;
    await this.outbox.insertMessages(
      tx,
      events.map(({ data }) => ({
        kind: 'welcome',
        recipientKind: 'student',
        recipientId: data.studentId,
        // One message per enrolment, whatever retries or replays happen.
        messageId: deterministicUuid(`${tenantId}|welcome|${data.cohortId}|${data.studentId}`),
        to: data.personal.email,
        ...renderWelcome({
          institutionName: name,
          cohortName: cohort.name,
          studentName: data.personal.name,
          interviewTarget: cohort.interviewTargetOverride ?? settings.interviewTarget,
          interviewStretchTarget: settings.interviewStretchTarget,
          meetingMinutes: settings.requestedMeetingMinutes,
          thankYouWindowDays: settings.thankYouWindowDays,
          signInUrl: this.config.mail.appUrl,
        }),
      })),
    );
  }
}
