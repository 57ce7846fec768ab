import { Injectable } from '@nestjs/common';
import {
  addContactsForReferrals,
  type ContactState,
  defaultInstitutionSettings,
  DomainError,
  type InstitutionState,
  type InterviewCommand,
  type InterviewState,
  type OpenInterview,
  type QuestionBankState,
  streamIds,
  unknownOrRetiredQuestionIds,
} from '@rapport/domain';
import { ConcurrencyError, Database, type Tx } from '@rapport/event-store';
import { AccessService } from '../access/access.service';
import { ContactService } from '../contact/contact.service';
import type { Actor } from '../auth/actor';
import {
  type ConnectionShape,
  decodeCursor,
  ID_CURSOR,
  type PageArgs,
  pagesPerStudent,
  pageSize,
} from '../common/connection';
import { newId } from '../common/ids';
import {
  AggregateStatesRepository,
  type StoredAggregate,
} from '../write/aggregate-states.repository';
import type { CommandContext } from '../write/command-context';
import { CommandExecutor, type Loaded } from '../write/command-executor';
import type {
  CancelInterviewInput,
  CloseUnansweredRequestInput,
  NudgeInterviewRequestInput,
  RecordInterviewAcceptanceInput,
  RecordInterviewDeclineInput,
  RecordInterviewHeldInput,
  RecordNoShowInput,
  RecordPreparationInput,
  RecordReferralsInput,
  RecordThankYouInput,
  RecordTouchpointInput,
  RequestShadowingInput,
  RescheduleInterviewInput,
  ScheduleInterviewInput,
  SendInterviewRequestInput,
} from './dto/interview.inputs';
import type { Interview } from './dto/interview.model';
import { InterviewDetailsReader } from './interview-details.reader';
import { toInterview } from './interview.mapper';

/** Like the executor does for single appends: a caller that named no version may be retried. */
const REFERRAL_ATTEMPTS_WITHOUT_EXPECTED_VERSION = 3;

/**
 * The interview journey of one student with one contact. Only the student writes it; the
 * student, advisors of their cohort and admins read it.
 */
@Injectable()
export class InterviewService {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly states: AggregateStatesRepository,
    private readonly access: AccessService,
    private readonly database: Database,
    private readonly details: InterviewDetailsReader,
    private readonly contacts: ContactService,
  ) {}

  // ---- Request ------------------------------------------------------------------------------

  async sendRequest(context: CommandContext, input: SendInterviewRequestInput): Promise<Interview> {
    const studentId = await this.access.actingStudentId(context.actor);
    await this.contacts.ownContact(context.actor, input.contactId);
    const askMinutes = input.askMinutes ?? (await this.requestedMeetingMinutes(context.actor));
    const interviewId = newId(context, 'interview');
    return this.execute(
      context,
      {
        type: 'SendRequest',
        data: {
          interviewId,
          studentId,
          contactId: input.contactId,
          channel: input.channel,
          askMinutes,
          proposedFormats: input.proposedFormats,
          personal: { message: input.message },
          at: context.now.toISOString(),
        },
      },
      input.expectedVersion,
    );
  }

  async nudge(context: CommandContext, input: NudgeInterviewRequestInput): Promise<Interview> {
    await this.ownInterview(context.actor, input.interviewId);
    return this.execute(
      context,
      {
        type: 'NudgeRequest',
        data: {
          interviewId: input.interviewId,
          ...(input.channel ? { channel: input.channel } : {}),
          personal: { message: input.message },
          at: context.now.toISOString(),
        },
      },
      input.expectedVersion,
    );
  }

  async accept(context: CommandContext, input: RecordInterviewAcceptanceInput): Promise<Interview> {
    await this.ownInterview(context.actor, input.interviewId);
    return this.execute(
      context,
      {
        type: 'RecordAcceptance',
        data: { interviewId: input.interviewId, at: context.now.toISOString() },
      },
      input.expectedVersion,
    );
  }

  async decline(context: CommandContext, input: RecordInterviewDeclineInput): Promise<Interview> {
    await this.ownInterview(context.actor, input.interviewId);
    return this.execute(
      context,
      {
        type: 'RecordDecline',
        data: {
          interviewId: input.interviewId,
          personal: { reason: input.reason },
          at: context.now.toISOString(),
        },
      },
      input.expectedVersion,
    );
  }

  async closeUnanswered(
    context: CommandContext,
    input: CloseUnansweredRequestInput,
  ): Promise<Interview> {
    await this.ownInterview(context.actor, input.interviewId);
    return this.execute(
      context,
      {
        type: 'CloseUnanswered',
        data: { interviewId: input.interviewId, at: context.now.toISOString() },
      },
      input.expectedVersion,
    );
  }

  // ---- Meeting ------------------------------------------------------------------------------

  async schedule(context: CommandContext, input: ScheduleInterviewInput): Promise<Interview> {
    await this.ownInterview(context.actor, input.interviewId);
    return this.execute(
      context,
      {
        type: 'ScheduleInterview',
        data: {
          interviewId: input.interviewId,
          scheduledFor: input.scheduledFor.toISOString(),
          format: input.format,
          durationMinutes: input.durationMinutes,
          personal: { location: input.location, meetingLink: input.meetingLink },
          at: context.now.toISOString(),
        },
      },
      input.expectedVersion,
    );
  }

  async reschedule(context: CommandContext, input: RescheduleInterviewInput): Promise<Interview> {
    await this.ownInterview(context.actor, input.interviewId);
    return this.execute(
      context,
      {
        type: 'RescheduleInterview',
        data: {
          interviewId: input.interviewId,
          scheduledFor: input.scheduledFor.toISOString(),
          format: input.format ?? undefined,
          durationMinutes: input.durationMinutes ?? undefined,
          requestedBy: input.requestedBy ?? null,
          // Absent keeps the place, null clears it.
          personal: { location: input.location, meetingLink: input.meetingLink },
          at: context.now.toISOString(),
        },
      },
      input.expectedVersion,
    );
  }

  async cancel(context: CommandContext, input: CancelInterviewInput): Promise<Interview> {
    await this.ownInterview(context.actor, input.interviewId);
    return this.execute(
      context,
      {
        type: 'CancelInterview',
        data: {
          interviewId: input.interviewId,
          cancelledBy: input.cancelledBy,
          personal: { reason: input.reason },
          at: context.now.toISOString(),
        },
      },
      input.expectedVersion,
    );
  }

  async recordNoShow(context: CommandContext, input: RecordNoShowInput): Promise<Interview> {
    await this.ownInterview(context.actor, input.interviewId);
    return this.execute(
      context,
      {
        type: 'RecordNoShow',
        data: {
          interviewId: input.interviewId,
          missedBy: input.missedBy,
          at: context.now.toISOString(),
        },
      },
      input.expectedVersion,
    );
  }

  async prepare(context: CommandContext, input: RecordPreparationInput): Promise<Interview> {
    await this.ownInterview(context.actor, input.interviewId);
    const questionIds = input.questionIds ?? [];
    await this.assertActiveQuestions(context.actor, questionIds, 'questionIds');
    return this.execute(
      context,
      {
        type: 'RecordPreparation',
        data: {
          interviewId: input.interviewId,
          questionIds,
          personal: {
            researchNotes: input.researchNotes,
            customQuestions: input.customQuestions ?? [],
          },
          at: context.now.toISOString(),
        },
      },
      input.expectedVersion,
    );
  }

  /** With an interviewId it completes that interview; without, it starts one (no request). */
  async recordHeld(context: CommandContext, input: RecordInterviewHeldInput): Promise<Interview> {
    const studentId = await this.access.actingStudentId(context.actor);
    let interviewId: string;
    let contactId: string;
    if (input.interviewId) {
      const stored = await this.ownInterview(context.actor, input.interviewId);
      interviewId = input.interviewId;
      // A different contact is the decider's to reject, with its own message.
      contactId = input.contactId ?? stored.state.contactId;
    } else {
      if (!input.contactId)
        throw DomainError.validation(
          'contactId is required when no interviewId is given',
          'contactId',
        );
      await this.contacts.ownContact(context.actor, input.contactId);
      interviewId = newId(context, 'interview');
      contactId = input.contactId;
    }
    const questionIdsAsked = input.questionIdsAsked ?? [];
    await this.assertActiveQuestions(context.actor, questionIdsAsked, 'questionIdsAsked');
    return this.execute(
      context,
      {
        type: 'RecordInterviewHeld',
        data: {
          interviewId,
          studentId,
          contactId,
          heldAt: input.heldAt.toISOString(),
          format: input.format ?? null,
          questionIdsAsked,
          personal: {
            notes: input.notes,
            keyInsights: input.keyInsights ?? [],
            advice: input.advice,
          },
          at: context.now.toISOString(),
        },
      },
      input.expectedVersion,
    );
  }

  // ---- Relationship -------------------------------------------------------------------------

  async recordThankYou(context: CommandContext, input: RecordThankYouInput): Promise<Interview> {
    await this.ownInterview(context.actor, input.interviewId);
    return this.execute(
      context,
      {
        type: 'RecordThankYou',
        data: {
          interviewId: input.interviewId,
          sentAt: (input.sentAt ?? context.now).toISOString(),
          channel: input.channel,
          at: context.now.toISOString(),
        },
      },
      input.expectedVersion,
    );
  }

  /**
   * The referrals and the Contacts they become commit together: a student never sees a
   * referral without its contact, and a retry (same clientMutationId) records neither twice.
   */
  async recordReferrals(context: CommandContext, input: RecordReferralsInput): Promise<Interview> {
    await this.ownInterview(context.actor, input.interviewId);
    const tenantId = context.actor.tenantId;
    const command: InterviewCommand = {
      type: 'RecordReferrals',
      data: {
        interviewId: input.interviewId,
        referrals: input.referrals.map((referral, index) => ({
          contactId: newId(context, `referral-${index}`),
          name: referral.name,
          email: referral.email,
          organization: referral.organization,
          role: referral.role,
          industry: referral.industry,
        })),
        at: context.now.toISOString(),
      },
    };
    const attempts =
      input.expectedVersion === undefined ? REFERRAL_ATTEMPTS_WITHOUT_EXPECTED_VERSION : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.database.withTenant(tenantId, async (tx) => {
          const result = await this.executor.execute<InterviewState>(context, command, {
            expectedVersion: input.expectedVersion,
            tx,
          });
          for (const event of result.events) {
            if (event.type !== 'ReferralsReceived') continue;
            for (const addContact of addContactsForReferrals(event)) {
              await this.executor.execute<ContactState>(context, addContact, { tx });
            }
          }
          return this.view(tenantId, input.interviewId, result, tx);
        });
      } catch (error) {
        if (!(error instanceof ConcurrencyError) || attempt >= attempts) throw error;
      }
    }
  }

  async requestShadowing(
    context: CommandContext,
    input: RequestShadowingInput,
  ): Promise<Interview> {
    await this.ownInterview(context.actor, input.interviewId);
    return this.execute(
      context,
      {
        type: 'RequestShadowing',
        data: {
          interviewId: input.interviewId,
          kind: input.kind,
          personal: { note: input.note },
          at: context.now.toISOString(),
        },
      },
      input.expectedVersion,
    );
  }

  async recordTouchpoint(
    context: CommandContext,
    input: RecordTouchpointInput,
  ): Promise<Interview> {
    await this.ownInterview(context.actor, input.interviewId);
    return this.execute(
      context,
      {
        type: 'RecordTouchpoint',
        data: {
          interviewId: input.interviewId,
          kind: input.kind,
          occurredAt: input.occurredAt?.toISOString(),
          personal: { note: input.note },
          at: context.now.toISOString(),
        },
      },
      input.expectedVersion,
    );
  }

  // ---- Reads --------------------------------------------------------------------------------

  async get(actor: Actor, interviewId: string): Promise<Interview> {
    const stored = await this.find(actor, interviewId);
    await this.access.assertCanReadStudent(actor, stored.state.studentId);
    return this.view(actor.tenantId, interviewId, stored);
  }

  /** A page of a student's interviews, in id order (stable while the list grows). */
  async page(actor: Actor, studentId: string, page: PageArgs): Promise<ConnectionShape<Interview>> {
    await this.access.assertCanReadStudent(actor, studentId);
    return (await this.pagesOf(actor, [studentId], page)).get(studentId)!;
  }

  /** The same page of each student's interviews, for students the caller was allowed to see. */
  async pagesOf(
    actor: Actor,
    studentIds: readonly string[],
    page: PageArgs,
  ): Promise<Map<string, ConnectionShape<Interview>>> {
    const size = pageSize(page.first);
    const after = decodeCursor(page.after, ID_CURSOR);
    const fetched = await this.states.pageByStudents<OpenInterview>(
      actor.tenantId,
      'interview',
      studentIds,
      size + 1,
      after ? streamIds.interview(after.id) : null,
    );
    const details = await this.details.read(actor.tenantId, fetched.rows);
    return pagesPerStudent(studentIds, fetched, size, after !== null, (r) =>
      toInterview(r.aggregateId!, r.state, r.version, details.get(r.streamId)!),
    );
  }

  /** All of a student's interviews (their data export). */
  async listForStudent(actor: Actor, studentId: string): Promise<Interview[]> {
    await this.access.assertCanReadStudent(actor, studentId);
    const stored = await this.states.list<OpenInterview>(actor.tenantId, 'interview', {
      studentId,
    });
    const details = await this.details.read(actor.tenantId, stored);
    return stored.map((s) =>
      toInterview(s.aggregateId!, s.state, s.version, details.get(s.streamId)!),
    );
  }

  // ---- Helpers ------------------------------------------------------------------------------

  private async execute(
    context: CommandContext,
    command: InterviewCommand,
    expectedVersion: number | undefined,
  ): Promise<Interview> {
    const result = await this.executor.execute<InterviewState>(context, command, {
      expectedVersion,
    });
    return this.view(context.actor.tenantId, command.data.interviewId, result);
  }

  /** The interview at the version just read or written, with the details of its events. */
  private async view(
    tenantId: string,
    interviewId: string,
    loaded: Loaded<InterviewState>,
    tx?: Tx,
  ): Promise<Interview> {
    const streamId = streamIds.interview(interviewId);
    const details = await this.details.read(tenantId, [{ streamId, version: loaded.version }], tx);
    return toInterview(interviewId, loaded.state, loaded.version, details.get(streamId)!);
  }

  /** An interview the calling student writes: it must be their own. */
  private async ownInterview(
    actor: Actor,
    interviewId: string,
  ): Promise<StoredAggregate<OpenInterview>> {
    this.access.ownStudentId(actor);
    const stored = await this.find(actor, interviewId);
    await this.access.assertOwnRecord(actor, stored.state);
    return stored;
  }

  private async find(actor: Actor, interviewId: string): Promise<StoredAggregate<OpenInterview>> {
    const stored = await this.states.find<InterviewState>(
      actor.tenantId,
      streamIds.interview(interviewId),
    );
    if (!stored || stored.state.status === 'none')
      throw DomainError.notFound(`Interview ${interviewId} does not exist`, 'interviewId');
    return stored as StoredAggregate<OpenInterview>;
  }

  /** The institution's default ask ("say, thirty minutes"); its bounds match a request's. */
  private async requestedMeetingMinutes(actor: Actor): Promise<number> {
    const { state } = await this.executor.load<InstitutionState>(
      actor.tenantId,
      streamIds.institution(),
    );
    return state.status === 'registered'
      ? state.settings.requestedMeetingMinutes
      : defaultInstitutionSettings.requestedMeetingMinutes;
  }

  /** Question ids must name active questions of the bank (the guide's when none was changed). */
  private async assertActiveQuestions(
    actor: Actor,
    questionIds: readonly string[],
    field: string,
  ): Promise<void> {
    if (questionIds.length === 0) return;
    // A missing stream loads as the decider's initial state: the guide's questions.
    const { state } = await this.executor.load<QuestionBankState>(
      actor.tenantId,
      streamIds.questionBank(),
    );
    const unknown = unknownOrRetiredQuestionIds(state, questionIds);
    if (unknown.length > 0) {
      throw DomainError.validation(
        `Not an active question of the question bank: ${unknown.join(', ')}`,
        field,
      );
    }
  }
}
