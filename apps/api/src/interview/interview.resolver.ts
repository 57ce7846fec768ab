import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { type ConnectionShape, PageArgs } from '../common/connection';
import { commandContext, Ctx, type RequestContext } from '../common/command-context.decorator';
import { declareStepMutations } from '../common/step-mutations';
import {
  RecordInterviewHeldInput,
  RecordReferralsInput,
  SendInterviewRequestInput,
} from './dto/interview.inputs';
import { Interview, InterviewConnection, InterviewPayload } from './dto/interview.model';
import { InterviewService } from './interview.service';
import { type InterviewStepInput, type InterviewStepName, interviewSteps } from './interview.steps';

@Resolver(() => Interview)
export class InterviewResolver {
  constructor(private readonly service: InterviewService) {}

  /** Every mutation of `interviewSteps` (declared below) lands here. */
  async step(
    name: InterviewStepName,
    ctx: RequestContext,
    input: InterviewStepInput<InterviewStepName>,
  ): Promise<InterviewPayload> {
    return {
      clientMutationId: input.clientMutationId ?? null,
      interview: await this.service.step(name, commandContext(ctx, input), input),
    };
  }

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

declareStepMutations(InterviewResolver, () => InterviewPayload, interviewSteps, 'step');
