import { Inject, Injectable } from '@nestjs/common';
import {
  type ContactState,
  type InstitutionState,
  type InterviewState,
  type StudentState,
  streamIds,
} from '@rapport/domain';
import {
  calendarFeedUrl,
  signCalendarFeedToken,
  verifyCalendarFeedToken,
} from '@rapport/notifications';
import { randomUUID } from 'node:crypto';
import { AccessService } from '../access/access.service';
import { APP_CONFIG } from '../app-config.token';
import type { Actor } from '../auth/actor';
import type { AppConfig } from '../config/app-config';
import { DigestScheduler } from '../digest/digest-scheduler.service';
import { studentWebActor } from '../follow-up-action/follow-up-action.service';
import { ProgressService } from '../progress/progress.service';
import { AggregateStatesRepository } from '../write/aggregate-states.repository';
import type { CommandContext } from '../write/command-context';
import { CommandExecutor } from '../write/command-executor';
import { type FeedInterview, renderCalendarFeed } from './calendar-feed.ics';

/** The student's feed as they see it: the URL is a credential, shown to them only. */
export interface CalendarFeedView {
  url: string;
  renewedAt: string;
}

/**
 * A student's private calendar feed: renewed, revoked and shown through GraphQL and the week
 * page alike, and served to calendar apps from its URL without a session. The URL's signed
 * token names the feed; it works only while that feed is the student's current one.
 */
@Injectable()
export class CalendarFeedService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly executor: CommandExecutor,
    private readonly states: AggregateStatesRepository,
    private readonly access: AccessService,
    private readonly progress: ProgressService,
    private readonly scheduler: DigestScheduler,
  ) {}

  /**
   * A new feed URL; any earlier one stops working. Only a student on a roster gets one (as for
   * every other step they record); the id is random, so nothing about them is in it.
   */
  async renew(context: CommandContext): Promise<CalendarFeedView> {
    const studentId = await this.access.actingStudentId(context.actor);
    const result = await this.executor.execute<StudentState>(context, {
      type: 'RenewCalendarFeed',
      data: { studentId, feedId: randomUUID(), at: context.now.toISOString() },
    });
    return this.viewOf(context.actor.tenantId, studentId, result.state)!;
  }

  /** Turns the feed off. A withdrawn student may too: ending a credential is always allowed. */
  async revoke(context: CommandContext): Promise<void> {
    const studentId = this.access.ownStudentId(context.actor);
    await this.executor.execute(context, {
      type: 'RevokeCalendarFeed',
      data: { studentId, at: context.now.toISOString() },
    });
  }

  /** The calling student's own feed; null for anyone else, and when they have none. */
  feedOf(actor: Actor): Promise<CalendarFeedView | null> {
    return actor.studentId ? this.feedFor(actor, actor.studentId) : Promise.resolve(null);
  }

  /**
   * A student's feed as `actor` may see it: the URL is a credential, so only the student
   * themself gets it. Admins and advisors read their records, never the key to their calendar.
   */
  async feedFor(actor: Actor, studentId: string): Promise<CalendarFeedView | null> {
    if (actor.role !== 'student' || actor.studentId !== studentId) return null;
    const stored = await this.states.find<StudentState>(
      actor.tenantId,
      streamIds.student(studentId),
    );
    return stored ? this.viewOf(actor.tenantId, studentId, stored.state) : null;
  }

  /**
   * The feed's text for a token, or null (the caller answers 404 and says no more) when the
   * token is not genuine or its feed is no longer the student's current one. Reads go through
   * the repositories, each under the token's institution (Database.withTenant, so RLS applies).
   */
  async render(token: string, now: Date): Promise<string | null> {
    const subject = verifyCalendarFeedToken(token, this.scheduler.unsubscribeSecret);
    if (!subject) return null;
    const { tenantId, studentId } = subject;
    const student = await this.states.find<StudentState>(tenantId, streamIds.student(studentId));
    if (student?.state.status !== 'registered') return null;
    if (student.state.calendarFeed?.feedId !== subject.feedId) return null;

    const institution = await this.states.find<InstitutionState>(tenantId, streamIds.institution());
    const timeZone =
      institution?.state.status === 'registered' ? institution.state.timeZone : 'UTC';
    const weekUrl = `${this.config.mail.appUrl}/me`;
    // A withdrawn student's feed stays valid but empty (docs/adr/0022): their calendar app
    // clears the program's events instead of keeping stale ones, as it would after a 404.
    const enrolled = (await this.states.enrolledAmong(tenantId, [studentId])).has(studentId);
    if (!enrolled) {
      return renderCalendarFeed({
        studentId,
        timeZone,
        weekUrl,
        now,
        interviews: [],
        followUps: [],
      });
    }

    const [interviews, contacts, views] = await Promise.all([
      this.states.list<InterviewState>(tenantId, 'interview', { studentId }),
      this.states.list<ContactState>(tenantId, 'contact', { studentId }),
      this.progress.studentViews(studentWebActor(tenantId, studentId), [studentId], undefined),
    ]);
    // The student's own records: their contacts' names belong in their own calendar.
    const names = new Map<string, string>();
    for (const { state } of contacts)
      if (state.status !== 'none') names.set(state.contactId, state.personal.name);

    const timed: FeedInterview[] = [];
    for (const { state } of interviews) {
      if (state.status === 'none' || state.scheduledFor === null) continue;
      timed.push({
        interviewId: state.interviewId,
        status: state.status,
        scheduledFor: state.scheduledFor,
        durationMinutes: state.durationMinutes ?? 30,
        format: state.format,
        location: state.place.location,
        meetingLink: state.place.meetingLink,
        contactName: names.get(state.contactId) ?? null,
        rescheduleCount: state.rescheduleCount,
      });
    }
    const followUps = (views.get(studentId)?.followUps ?? []).map((item) => ({
      item,
      contactName: item.contactId ? (names.get(item.contactId) ?? null) : null,
    }));
    return renderCalendarFeed({ studentId, timeZone, weekUrl, now, interviews: timed, followUps });
  }

  /** The feed a student's state names, for a caller that already holds that state. */
  viewOf(tenantId: string, studentId: string, state: StudentState): CalendarFeedView | null {
    if (state.status !== 'registered' || !state.calendarFeed) return null;
    const { feedId, renewedAt } = state.calendarFeed;
    const token = signCalendarFeedToken(
      { tenantId, studentId, feedId },
      this.scheduler.unsubscribeSecret,
    );
    return { url: calendarFeedUrl(this.config.mail.appUrl, token), renewedAt };
  }
}
