import { Injectable } from '@nestjs/common';
import {
  type ContactState,
  type FollowUpItem,
  type FollowUpStepKind,
  followUpStepKinds,
  type OpenInterview,
  type StudentState,
  type TimelineEntry,
  compareFollowUps,
  isDomainError,
  streamIds,
} from '@rapport/domain';
import { Database } from '@rapport/event-store';
import { randomUUID } from 'node:crypto';
import { AccessService } from '../access/access.service';
import { AuthError } from '../auth/auth.errors';
import { CalendarFeedService, type CalendarFeedView } from '../calendar/calendar-feed.service';
import { DigestScheduler } from '../digest/digest-scheduler.service';
import {
  type ActionChoice,
  type ActionOutcome,
  FollowUpActionService,
  type FollowUpRef,
  studentWebActor,
} from '../follow-up-action/follow-up-action.service';
import { parseStepChoice } from '../follow-up-action/follow-up-step.form';
import { ProgressService } from '../progress/progress.service';
import { AggregateStatesRepository } from '../write/aggregate-states.repository';
import type { WeekSession } from './week-session.service';
import { logHead, progressCaughtUp } from '../progress/progress-wait';

const RECENT_ACTIVITY = 5;

export interface WeekItem extends FollowUpItem {
  kind: FollowUpStepKind;
  /** Who it is about, from the student's own contacts (never from the token or URL). */
  who: string | null;
}

export interface WeekInterview {
  interviewId: string;
  who: string | null;
  scheduledFor: string;
  durationMinutes: number | null;
  format: string | null;
  location: string | null;
  meetingLink: string | null;
}

export interface WeekView {
  studentName: string;
  institutionName: string;
  zone: string;
  enrolled: boolean;
  items: WeekItem[];
  target: { held: number; target: number; remaining: number };
  upcoming: WeekInterview[];
  recent: TimelineEntry[];
  calendarFeed: CalendarFeedView | null;
}

export type ActionForm = {
  kind?: unknown;
  interviewId?: unknown;
  contactId?: unknown;
  channel?: unknown;
  touchpoint?: unknown;
  question?: unknown;
};

export type ActionResult =
  | { status: ActionOutcome; caughtUp: boolean }
  | { status: 'invalid' }
  | { status: 'not-enrolled' }
  /** The domain refused the step (it changed meanwhile, or the input breaks a rule). */
  | { status: 'refused' };

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** What the week page shows and does, as the student's own GraphQL would. */
@Injectable()
export class WeekService {
  constructor(
    private readonly progress: ProgressService,
    private readonly states: AggregateStatesRepository,
    private readonly access: AccessService,
    private readonly actions: FollowUpActionService,
    private readonly digests: DigestScheduler,
    private readonly database: Database,
    private readonly calendar: CalendarFeedService,
  ) {}

  /** A registered student of that institution, not erased (sign-in refuses anyone else). */
  async studentExists(tenantId: string, studentId: string): Promise<boolean> {
    const stored = await this.states.find<StudentState>(tenantId, streamIds.student(studentId));
    return stored?.state.status === 'registered' && !stored.state.erased;
  }

  async view(session: WeekSession, now = new Date()): Promise<WeekView | null> {
    const actor = studentWebActor(session.tenantId, session.studentId);
    const [student, institution, views, contacts, interviews, enrolled, timeline] =
      await Promise.all([
        this.states.find<StudentState>(session.tenantId, streamIds.student(session.studentId)),
        this.digests.institution(session.tenantId),
        this.progress.studentViews(actor, [session.studentId]),
        this.states.list<ContactState>(session.tenantId, 'contact', {
          studentId: session.studentId,
        }),
        this.states.list<OpenInterview>(session.tenantId, 'interview', {
          studentId: session.studentId,
        }),
        this.states.enrolledAmong(session.tenantId, [session.studentId]),
        this.progress.timeline(actor, session.studentId, { first: RECENT_ACTIVITY }),
      ]);
    if (student?.state.status !== 'registered' || !institution) return null;
    const view = views.get(session.studentId)!;
    const names = new Map<string, string>();
    for (const c of contacts) {
      if (c.state.status === 'none') continue;
      names.set(
        c.aggregateId!,
        c.state.organization
          ? `${c.state.personal.name} (${c.state.organization})`
          : c.state.personal.name,
      );
    }
    const contactOfInterview = new Map(interviews.map((i) => [i.aggregateId!, i.state.contactId]));
    const who = (contactId: string | undefined, interviewId: string | undefined) => {
      const id = contactId ?? (interviewId ? contactOfInterview.get(interviewId) : undefined);
      return id ? (names.get(id) ?? null) : null;
    };
    const items = [...view.followUps]
      .sort(compareFollowUps)
      .filter(
        (item): item is FollowUpItem & { kind: FollowUpStepKind } => item.kind !== 'reach_target',
      )
      .map((item) => ({ ...item, who: who(item.contactId, item.interviewId) }));
    const upcoming = interviews
      .filter(
        (i) =>
          i.state.status === 'scheduled' &&
          i.state.scheduledFor !== null &&
          i.state.scheduledFor > now.toISOString(),
      )
      .sort((a, b) => a.state.scheduledFor!.localeCompare(b.state.scheduledFor!))
      .map((i) => ({
        interviewId: i.aggregateId!,
        who: who(i.state.contactId, undefined),
        scheduledFor: i.state.scheduledFor!,
        durationMinutes: i.state.durationMinutes,
        format: i.state.format,
        location: i.state.place?.location ?? null,
        meetingLink: i.state.place?.meetingLink ?? null,
      }));
    return {
      studentName: student.state.personal.name,
      institutionName: institution.name,
      zone: institution.timeZone,
      enrolled: enrolled.has(session.studentId),
      items,
      target: {
        held: view.summary.interviews.held,
        target: view.summary.interviews.target,
        remaining: view.summary.interviews.remaining,
      },
      upcoming,
      recent: timeline.edges.map((e) => e.node),
      // From the student state read above, not a second read of it.
      calendarFeed: this.calendar.viewOf(session.tenantId, session.studentId, student.state),
    };
  }

  /** A new calendar link (the old one stops working); false when the student may not have one. */
  async renewCalendarFeed(session: WeekSession, now = new Date()): Promise<boolean> {
    try {
      await this.calendar.renew(this.context(session, now));
      return true;
    } catch (error) {
      if (error instanceof AuthError) return false;
      throw error;
    }
  }

  async revokeCalendarFeed(session: WeekSession, now = new Date()): Promise<void> {
    await this.calendar.revoke(this.context(session, now));
  }

  private context(session: WeekSession, now: Date) {
    return {
      actor: studentWebActor(session.tenantId, session.studentId),
      correlationId: randomUUID(),
      now,
    };
  }

  /**
   * Takes the step through FollowUpActionService, then waits (bounded) until the progress
   * projection has passed it, so the page after the redirect no longer lists the item.
   */
  async act(session: WeekSession, form: ActionForm, now = new Date()): Promise<ActionResult> {
    const parsed = parseForm(form);
    if (!parsed) return { status: 'invalid' };
    const actor = studentWebActor(session.tenantId, session.studentId);
    try {
      await this.access.actingStudentId(actor);
    } catch (error) {
      if (error instanceof AuthError) return { status: 'not-enrolled' };
      throw error;
    }
    const before = await logHead(this.database, session.tenantId);
    let status: ActionOutcome;
    try {
      status = await this.actions.perform(
        {
          actor,
          correlationId: randomUUID(),
          now,
          // No clientMutationId: perform derives it from the item's occurrence, so this form
          // posted twice, or racing the same item's mail link, records one step.
          ...(session.digestId ? { digestId: session.digestId } : {}),
        },
        parsed.ref,
        parsed.choice,
      );
    } catch (error) {
      if (isDomainError(error)) return { status: 'refused' };
      throw error;
    }
    const caughtUp =
      status === 'recorded'
        ? await progressCaughtUp(this.database, session.tenantId, before)
        : true;
    return { status, caughtUp };
  }
}

function parseForm(form: ActionForm): { ref: FollowUpRef; choice: ActionChoice } | null {
  const kind = form.kind;
  if (typeof kind !== 'string' || !(followUpStepKinds as readonly string[]).includes(kind))
    return null;
  const id = (value: unknown) =>
    typeof value === 'string' && value !== '' ? (ID.test(value) ? value : false) : undefined;
  const interviewId = id(form.interviewId);
  const contactId = id(form.contactId);
  if (interviewId === false || contactId === false) return null;
  const choice = parseStepChoice(kind as FollowUpStepKind, form);
  if (typeof choice === 'string') return null;
  return {
    ref: {
      kind: kind as FollowUpStepKind,
      ...(interviewId ? { interviewId } : {}),
      ...(contactId ? { contactId } : {}),
    },
    choice,
  };
}
