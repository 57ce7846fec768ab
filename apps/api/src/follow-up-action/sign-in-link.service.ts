import { Inject, Injectable } from '@nestjs/common';
import { type InstitutionState, type StudentState, streamIds } from '@rapport/domain';
import { Database } from '@rapport/event-store';
import {
  NO_DIGEST,
  renderSignInLink,
  SIGN_IN_LINK_DAYS,
  signWeekSignInToken,
  type StudentLinkSubject,
  verifyFollowUpActionToken,
  verifyWeekSignInToken,
  weekSignInUrl,
} from '@rapport/notifications';
import { APP_CONFIG } from '../app-config.token';
import { deterministicUuid } from '../common/ids';
import type { AppConfig } from '../config/app-config';
import { DigestScheduler } from '../digest/digest-scheduler.service';
import { DigestRepository } from '../digest/digest.repository';
import { AggregateStatesRepository } from '../write/aggregate-states.repository';
import { CommandExecutor } from '../write/command-executor';

const HOUR_MS = 3_600_000;

/**
 * A fresh sign-in link by mail, for the student an expired digest link names. Only a genuine
 * expired link (either purpose) asks for one, and at most one goes out per student per clock
 * hour and the hour before it: a forwarded old digest cannot flood anybody's mailbox.
 */
@Injectable()
export class SignInLinkService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly database: Database,
    private readonly executor: CommandExecutor,
    private readonly states: AggregateStatesRepository,
    private readonly outbox: DigestRepository,
    private readonly scheduler: DigestScheduler,
  ) {}

  /** Whom an expired action or week link names; null for a live, tampered or foreign token. */
  expiredSubject(token: unknown, now: Date): StudentLinkSubject | null {
    for (const verify of [verifyFollowUpActionToken, verifyWeekSignInToken]) {
      const verified = verify(token, this.secret, now);
      if (!verified.ok && verified.reason === 'expired') return verified.subject;
    }
    return null;
  }

  /** Queues the mail when the token allows it; whether it did is for tests, never for the page. */
  async request(token: unknown, now: Date): Promise<boolean> {
    const subject = this.expiredSubject(token, now);
    if (!subject) return false;
    const { tenantId, studentId } = subject;
    const { state: student } = await this.executor.load<StudentState>(
      tenantId,
      streamIds.student(studentId),
    );
    if (student.status !== 'registered' || !student.personal.email) return false;
    // Week pages are for students on a roster; someone who left gets no mail from an old link.
    if (!(await this.states.enrolledAmong(tenantId, [studentId])).has(studentId)) return false;
    const { state: institution } = await this.executor.load<InstitutionState>(
      tenantId,
      streamIds.institution(),
    );
    const hour = Math.floor(now.getTime() / HOUR_MS);
    const idOf = (h: number) => deterministicUuid(`${tenantId}|sign_in_link|${studentId}|${h}`);
    const freshToken = signWeekSignInToken(
      { tenantId, studentId, digestId: NO_DIGEST },
      this.secret,
      now,
      SIGN_IN_LINK_DAYS,
    );
    return this.database.withTenant(tenantId, async (tx) => {
      // One id per student and hour: two requests racing in the same hour insert one row, and
      // a row of the hour before holds the next one back.
      if ((await this.outbox.messages(tx, [idOf(hour - 1)])).length > 0) return false;
      return this.outbox.insertMessage(tx, {
        kind: 'sign_in_link',
        recipientKind: 'student',
        recipientId: studentId,
        messageId: idOf(hour),
        // The confirmed address: a requested new one waits for its own confirmation link.
        to: student.personal.email,
        ...renderSignInLink({
          institutionName: institution.status === 'registered' ? institution.name : 'Rapport',
          studentName: student.personal.name,
          signInUrl: weekSignInUrl(this.config.mail.appUrl, freshToken),
        }),
      });
    });
  }

  /** The secret of every link in Rapport's mail; token purposes keep their uses apart. */
  private get secret(): string {
    return this.scheduler.unsubscribeSecret;
  }
}
