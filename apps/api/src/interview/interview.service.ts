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
import { type Tx } from '@rapport/event-store';
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
import {
  CommandExecutor,
  type ExecuteOptions,
  type Loaded,
  type StateReader,
} from '../write/command-executor';
import type {
  RecordInterviewHeldInput,
  RecordReferralsInput,
  SendInterviewRequestInput,
} from './dto/interview.inputs';
import type { Interview } from './dto/interview.model';
import { toInterview } from './interview.mapper';
import {
  type InterviewStep,
  type InterviewStepInput,
  type InterviewStepName,
  interviewSteps,
} from './interview.steps';
import type { InterviewView } from './interview.view';
import { InterviewViews } from './interview-views.repository';

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
    private readonly views: InterviewViews,
    private readonly contacts: ContactService,
  ) {}

  // ---- Steps --------------------------------------------------------------------------------

  /** A step on one of the student's interviews, from the table of steps. */
  step<K extends InterviewStepName>(
    name: K,
    context: CommandContext,
    input: InterviewStepInput<K> & { interviewId: string; expectedVersion?: number },
  ): Promise<Interview> {
    const step = interviewSteps[name] as InterviewStep<InterviewStepInput<K>>;
    return this.perform(context, step.command(input, context.now), {
      expectedVersion: input.expectedVersion,
      authorize: async (interview, reads) => {
        await this.ownInterview(context.actor, interview, input.interviewId, reads);
        if (step.questions) await this.assertActiveQuestions(step.questions(input), reads);
      },
    });
  }

  async sendRequest(context: CommandContext, input: SendInterviewRequestInput): Promise<Interview> {
    const askMinutes = input.askMinutes ?? (await this.requestedMeetingMinutes(context.actor));
    const studentId = this.access.ownStudentId(context.actor);
    return this.perform(
      context,
      {
        type: 'SendRequest',
        data: {
          interviewId: newId(context, 'interview'),
          studentId,
          contactId: input.contactId,
          channel: input.channel,
          askMinutes,
          proposedFormats: input.proposedFormats,
          personal: { message: input.message },
          at: context.now.toISOString(),
        },
      },
      {
        expectedVersion: input.expectedVersion,
        authorize: async (_, reads) => {
          await this.access.actingStudentId(context.actor, reads);
          await this.contacts.ownContact(context.actor, input.contactId, reads);
        },
      },
    );
  }

  /** With an interviewId it completes that interview; without, it starts one (no request). */
  async recordHeld(context: CommandContext, input: RecordInterviewHeldInput): Promise<Interview> {
    const studentId = this.access.ownStudentId(context.actor);
    if (!input.interviewId && !input.contactId)
      throw DomainError.validation(
        'contactId is required when no interviewId is given',
        'contactId',
      );
    const interviewId = input.interviewId ?? newId(context, 'interview');
    const questionIdsAsked = input.questionIdsAsked ?? [];
    // A different contact is the decider's to reject, with its own message.
    const contactId =
      input.contactId ??
      (
        await this.executor.load<OpenInterview>(
          context.actor.tenantId,
          streamIds.interview(interviewId),
        )
      ).state.contactId;
    return this.perform(
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
      {
        expectedVersion: input.expectedVersion,
        authorize: async (interview, reads) => {
          if (input.interviewId)
            await this.ownInterview(context.actor, interview, interviewId, reads);
          else {
            await this.access.actingStudentId(context.actor, reads);
            await this.contacts.ownContact(context.actor, input.contactId!, reads);
          }
          await this.assertActiveQuestions(
            { ids: questionIdsAsked, field: 'questionIdsAsked' },
            reads,
          );
        },
      },
    );
  }

  /**
   * The referrals and the Contacts they become commit together: a student never sees a
   * referral without its contact, and a retry (same clientMutationId) records neither twice.
   */
  async recordReferrals(context: CommandContext, input: RecordReferralsInput): Promise<Interview> {
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
    return this.executor.transaction(context.actor.tenantId, async (tx) => {
      const result = await this.executor.execute<InterviewState, InterviewView>(context, command, {
        expectedVersion: input.expectedVersion,
        tx,
        authorize: (interview, reads) =>
          this.ownInterview(context.actor, interview, input.interviewId, reads),
      });
      for (const event of result.events) {
        if (event.type !== 'ReferralsReceived') continue;
        for (const addContact of addContactsForReferrals(event))
          await this.executor.execute<ContactState>(context, addContact, { tx });
      }
      return this.view(context.actor.tenantId, input.interviewId, result, tx);
    });
  }

  // ---- Reads --------------------------------------------------------------------------------

  async get(actor: Actor, interviewId: string): Promise<Interview> {
    const stored = await this.find(actor, interviewId);
    await this.access.assertCanReadStudent(actor, stored.state.studentId);
    return this.view(actor.tenantId, interviewId, stored as Loaded<InterviewState, InterviewView>);
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
    const views = await this.views.of(actor.tenantId, fetched.rows);
    return pagesPerStudent(studentIds, fetched, size, after !== null, (r) =>
      toInterview(r.aggregateId!, r.state, r.version, views.get(r.streamId)!),
    );
  }

  /** All of a student's interviews (their data export). */
  async listForStudent(actor: Actor, studentId: string): Promise<Interview[]> {
    await this.access.assertCanReadStudent(actor, studentId);
    const stored = await this.states.list<OpenInterview>(actor.tenantId, 'interview', {
      studentId,
    });
    const views = await this.views.of(actor.tenantId, stored);
    return stored.map((s) =>
      toInterview(s.aggregateId!, s.state, s.version, views.get(s.streamId)!),
    );
  }

  // ---- Helpers ------------------------------------------------------------------------------

  /** One write of an interview step, answered from the state and view it leaves in memory. */
  private async perform(
    context: CommandContext,
    command: InterviewCommand,
    options: ExecuteOptions<InterviewState>,
  ): Promise<Interview> {
    const result = await this.executor.execute<InterviewState, InterviewView>(
      context,
      command,
      options,
    );
    return this.view(context.actor.tenantId, command.data.interviewId, result);
  }

  /** The interview at the version just read or written, with its view. */
  private async view(
    tenantId: string,
    interviewId: string,
    loaded: Loaded<InterviewState, InterviewView>,
    tx?: Tx,
  ): Promise<Interview> {
    const streamId = streamIds.interview(interviewId);
    const views = await this.views.of(tenantId, [{ streamId, ...loaded }], tx);
    return toInterview(interviewId, loaded.state, loaded.version, views.get(streamId)!);
  }

  /** An interview the calling student writes: it must exist and be their own. */
  private async ownInterview(
    actor: Actor,
    interview: Loaded<InterviewState>,
    interviewId: string,
    reads: StateReader,
  ): Promise<void> {
    this.access.ownStudentId(actor);
    if (interview.state.status === 'none')
      throw DomainError.notFound(`Interview ${interviewId} does not exist`, 'interviewId');
    await this.access.assertOwnRecord(actor, interview.state, reads);
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
    questions: { ids: readonly string[]; field: string },
    reads: StateReader,
  ): Promise<void> {
    if (questions.ids.length === 0) return;
    // A missing stream loads as the decider's initial state: the guide's questions.
    const { state } = await reads.get<QuestionBankState>(streamIds.questionBank());
    const unknown = unknownOrRetiredQuestionIds(state, questions.ids);
    if (unknown.length > 0) {
      throw DomainError.validation(
        `Not an active question of the question bank: ${unknown.join(', ')}`,
        questions.field,
      );
    }
  }
}
