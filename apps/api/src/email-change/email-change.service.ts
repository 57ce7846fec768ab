import { Inject, Injectable } from '@nestjs/common';
import {
  DomainErrorCode,
  type InstitutionState,
  isDomainError,
  type StudentEmailChangeRequested,
  type StudentState,
  streamIds,
  type UpdateStudentProfile,
} from '@rapport/domain';
import { ConcurrencyError, Database, type Tx } from '@rapport/event-store';
import {
  renderEmailConfirmation,
  signEmailConfirmationToken,
  verifyEmailConfirmationToken,
  type EmailConfirmationPayload,
} from '@rapport/notifications';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG } from '../app-config.token';
import type { AppConfig } from '../config/app-config';
import { DigestRepository } from '../digest/digest.repository';
import { deterministicUuid } from '../common/ids';
import { DigestScheduler } from '../digest/digest-scheduler.service';
import type { CommandContext } from '../write/command-context';
import { CommandExecutor, type Executed } from '../write/command-executor';

/** What following a confirmation link finds; the controller turns each into a page. */
export type EmailConfirmationStatus =
  | { status: 'ready'; pendingEmail: string }
  | { status: 'confirmed' }
  | { status: 'already-confirmed' }
  | { status: 'superseded' }
  | { status: 'expired' }
  | { status: 'invalid' };

const RETRIES_WITHOUT_EXPECTED_VERSION = 3;

/**
 * Verified email changes: a profile update that asks for a new address queues a confirmation
 * message to it in the same transaction as the request, and the link in that message (a
 * signed, expiring token naming tenant, student and request) confirms it.
 */
@Injectable()
export class EmailChangeService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly database: Database,
    private readonly executor: CommandExecutor,
    private readonly outbox: DigestRepository,
    private readonly scheduler: DigestScheduler,
  ) {}

  /** Runs a profile update; an email change it requests gets its confirmation message queued. */
  async updateProfile(
    context: CommandContext,
    command: UpdateStudentProfile,
    expectedVersion?: number,
  ): Promise<Executed<StudentState>> {
    // In a caller's transaction the executor cannot re-decide a lost race itself.
    const attempts = expectedVersion === undefined ? RETRIES_WITHOUT_EXPECTED_VERSION : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.database.withTenant(context.actor.tenantId, async (tx) => {
          const result = await this.executor.execute<StudentState>(context, command, {
            expectedVersion,
            tx,
          });
          for (const event of result.events)
            if (event.type === 'StudentEmailChangeRequested')
              await this.queueConfirmation(tx, event, result.state, context.now);
          return result;
        });
      } catch (error) {
        if (!(error instanceof ConcurrencyError) || attempt >= attempts) throw error;
      }
    }
  }

  /** What the link's page shows. Changes nothing: mail scanners follow links. */
  async check(token: unknown, now: Date): Promise<EmailConfirmationStatus> {
    const verified = verifyEmailConfirmationToken(token, this.secret, now);
    if (!verified.ok) return { status: verified.reason };
    const { tenantId, studentId, requestId } = verified.payload;
    const { state } = await this.executor.load<StudentState>(
      tenantId,
      streamIds.student(studentId),
    );
    if (state.status !== 'registered') return { status: 'invalid' };
    if (state.pendingEmailChange?.requestId === requestId)
      return { status: 'ready', pendingEmail: state.pendingEmailChange.email };
    if (state.confirmedEmailRequestId === requestId) return { status: 'already-confirmed' };
    return { status: 'superseded' };
  }

  /** Confirms through the ordinary command path; a second confirmation records nothing. */
  async confirm(token: unknown, now: Date): Promise<EmailConfirmationStatus> {
    const verified = verifyEmailConfirmationToken(token, this.secret, now);
    if (!verified.ok) return { status: verified.reason };
    const { tenantId, studentId, requestId } = verified.payload;
    try {
      const result = await this.executor.execute(
        {
          // The link is the student's own credential, as an unsubscribe link is.
          actor: { subject: `email-link-${studentId}`, tenantId, role: 'student', studentId },
          correlationId: randomUUID(),
          now,
        },
        {
          type: 'ConfirmStudentEmailChange',
          data: { studentId, requestId, at: now.toISOString() },
        },
      );
      return { status: result.events.length > 0 ? 'confirmed' : 'already-confirmed' };
    } catch (error) {
      if (!isDomainError(error)) throw error;
      if (error.code === DomainErrorCode.INVALID_TRANSITION) return { status: 'superseded' };
      return { status: 'invalid' };
    }
  }

  /** The page a confirmation message links to. */
  confirmationUrl(payload: EmailConfirmationPayload, issuedAt: Date): string {
    const token = signEmailConfirmationToken(payload, this.secret, issuedAt);
    return `${this.config.mail.appUrl}/email-confirmations?token=${encodeURIComponent(token)}`;
  }

  private async queueConfirmation(
    tx: Tx,
    event: StudentEmailChangeRequested,
    student: StudentState,
    now: Date,
  ): Promise<void> {
    const tenantId = tx.tenantId!;
    const { studentId, requestId } = event.data;
    const institution = await this.executor.load<InstitutionState>(
      tenantId,
      streamIds.institution(),
      tx,
    );
    const message = renderEmailConfirmation({
      institutionName:
        institution.state.status === 'registered' ? institution.state.name : 'Rapport',
      studentName: student.status === 'registered' ? student.personal.name : '',
      newEmail: event.data.personal.pendingEmail,
      confirmUrl: this.confirmationUrl({ tenantId, studentId, requestId }, now),
    });
    // One message per request: its id is derived from the request.
    await this.outbox.insertMessage(tx, {
      kind: 'email_confirmation',
      recipientKind: 'student',
      recipientId: studentId,
      messageId: deterministicUuid(`${tenantId}|email_confirmation|${studentId}|${requestId}`),
      to: event.data.personal.pendingEmail,
      ...message,
    });
  }

  /** The secret of every link in Rapport's mail; token purposes keep their uses apart. */
  private get secret(): string {
    return this.scheduler.unsubscribeSecret;
  }
}
