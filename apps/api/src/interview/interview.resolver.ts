import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { type ConnectionShape, PageArgs } from '../common/connection';
import { commandContext, Ctx, type RequestContext } from '../common/command-context.decorator';
import {
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
import { Interview, InterviewConnection, InterviewPayload } from './dto/interview.model';
import { InterviewService } from './interview.service';

@Resolver(() => Interview)
export class InterviewResolver {
  constructor(private readonly service: InterviewService) {}

  @Mutation(() => InterviewPayload, {
    description:
      "A student asks a contact for a short conversation; askMinutes defaults to the institution's setting",
  })
  async sendInterviewRequest(
    @Ctx() ctx: RequestContext,
    @Args('input') input: SendInterviewRequestInput,
  ): Promise<InterviewPayload> {
    return {
      clientMutationId: input.clientMutationId ?? null,
      interview: await this.service.sendRequest(commandContext(ctx, input), input),
    };
  }

  @Mutation(() => InterviewPayload, {
    description: 'A polite reminder while the request waits for a reply (at most twice)',
  })
  async nudgeInterviewRequest(
    @Ctx() ctx: RequestContext,
    @Args('input') input: NudgeInterviewRequestInput,
  ): Promise<InterviewPayload> {
    return {
      clientMutationId: input.clientMutationId ?? null,
      interview: await this.service.nudge(commandContext(ctx, input), input),
    };
  }

  @Mutation(() => InterviewPayload, { description: 'The contact agreed to meet' })
  async recordInterviewAcceptance(
    @Ctx() ctx: RequestContext,
    @Args('input') input: RecordInterviewAcceptanceInput,
  ): Promise<InterviewPayload> {
    return {
      clientMutationId: input.clientMutationId ?? null,
      interview: await this.service.accept(commandContext(ctx, input), input),
    };
  }

  @Mutation(() => InterviewPayload, {
    description: 'The contact declined; the interview is closed',
  })
  async recordInterviewDecline(
    @Ctx() ctx: RequestContext,
    @Args('input') input: RecordInterviewDeclineInput,
  ): Promise<InterviewPayload> {
    return {
      clientMutationId: input.clientMutationId ?? null,
      interview: await this.service.decline(commandContext(ctx, input), input),
    };
  }

  @Mutation(() => InterviewPayload, { description: 'Gives up on a request that got no reply' })
  async closeUnansweredRequest(
    @Ctx() ctx: RequestContext,
    @Args('input') input: CloseUnansweredRequestInput,
  ): Promise<InterviewPayload> {
    return {
      clientMutationId: input.clientMutationId ?? null,
      interview: await this.service.closeUnanswered(commandContext(ctx, input), input),
    };
  }

  @Mutation(() => InterviewPayload, {
    description: 'Sets a future time; scheduling a pending request counts as its acceptance',
  })
  async scheduleInterview(
    @Ctx() ctx: RequestContext,
    @Args('input') input: ScheduleInterviewInput,
  ): Promise<InterviewPayload> {
    return {
      clientMutationId: input.clientMutationId ?? null,
      interview: await this.service.schedule(commandContext(ctx, input), input),
    };
  }

  @Mutation(() => InterviewPayload, {
    description: 'Moves a scheduled interview; absent fields keep their value',
  })
  async rescheduleInterview(
    @Ctx() ctx: RequestContext,
    @Args('input') input: RescheduleInterviewInput,
  ): Promise<InterviewPayload> {
    return {
      clientMutationId: input.clientMutationId ?? null,
      interview: await this.service.reschedule(commandContext(ctx, input), input),
    };
  }

  @Mutation(() => InterviewPayload, {
    description: 'Cancels an interview that has not taken place',
  })
  async cancelInterview(
    @Ctx() ctx: RequestContext,
    @Args('input') input: CancelInterviewInput,
  ): Promise<InterviewPayload> {
    return {
      clientMutationId: input.clientMutationId ?? null,
      interview: await this.service.cancel(commandContext(ctx, input), input),
    };
  }

  @Mutation(() => InterviewPayload, {
    description: 'Someone missed the interview (only once its time has passed)',
  })
  async recordNoShow(
    @Ctx() ctx: RequestContext,
    @Args('input') input: RecordNoShowInput,
  ): Promise<InterviewPayload> {
    return {
      clientMutationId: input.clientMutationId ?? null,
      interview: await this.service.recordNoShow(commandContext(ctx, input), input),
    };
  }

  @Mutation(() => InterviewPayload, {
    description: 'Research notes and questions to ask; replaces an earlier preparation',
  })
  async recordPreparation(
    @Ctx() ctx: RequestContext,
    @Args('input') input: RecordPreparationInput,
  ): Promise<InterviewPayload> {
    return {
      clientMutationId: input.clientMutationId ?? null,
      interview: await this.service.prepare(commandContext(ctx, input), input),
    };
  }

  @Mutation(() => InterviewPayload, {
    description:
      'The conversation took place; without interviewId it starts a new interview with contactId',
  })
  async recordInterviewHeld(
    @Ctx() ctx: RequestContext,
    @Args('input') input: RecordInterviewHeldInput,
  ): Promise<InterviewPayload> {
    return {
      clientMutationId: input.clientMutationId ?? null,
      interview: await this.service.recordHeld(commandContext(ctx, input), input),
    };
  }

  @Mutation(() => InterviewPayload, { description: 'The student thanked the contact (once)' })
  async recordThankYou(
    @Ctx() ctx: RequestContext,
    @Args('input') input: RecordThankYouInput,
  ): Promise<InterviewPayload> {
    return {
      clientMutationId: input.clientMutationId ?? null,
      interview: await this.service.recordThankYou(commandContext(ctx, input), input),
    };
  }

  @Mutation(() => InterviewPayload, {
    description: 'People the contact referred the student to; each becomes a Contact',
  })
  async recordReferrals(
    @Ctx() ctx: RequestContext,
    @Args('input') input: RecordReferralsInput,
  ): Promise<InterviewPayload> {
    return {
      clientMutationId: input.clientMutationId ?? null,
      interview: await this.service.recordReferrals(commandContext(ctx, input), input),
    };
  }

  @Mutation(() => InterviewPayload, {
    description: 'The student asked to shadow the contact or visit their work site',
  })
  async requestShadowing(
    @Ctx() ctx: RequestContext,
    @Args('input') input: RequestShadowingInput,
  ): Promise<InterviewPayload> {
    return {
      clientMutationId: input.clientMutationId ?? null,
      interview: await this.service.requestShadowing(commandContext(ctx, input), input),
    };
  }

  @Mutation(() => InterviewPayload, {
    description: 'The student stayed in touch after the interview',
  })
  async recordTouchpoint(
    @Ctx() ctx: RequestContext,
    @Args('input') input: RecordTouchpointInput,
  ): Promise<InterviewPayload> {
    return {
      clientMutationId: input.clientMutationId ?? null,
      interview: await this.service.recordTouchpoint(commandContext(ctx, input), input),
    };
  }

  @Query(() => Interview)
  interview(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<Interview> {
    return this.service.get(actor, id);
  }

  @Query(() => InterviewConnection, {
    description: "A student's interviews (students: their own), paged (Relay)",
  })
  interviews(
    @CurrentActor() actor: Actor,
    @Args('studentId', { type: () => ID }) studentId: string,
    @Args() page: PageArgs,
  ): Promise<ConnectionShape<Interview>> {
    return this.service.page(actor, studentId, page);
  }
}
