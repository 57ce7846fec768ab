import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { commandContext, Ctx, type RequestContext } from '../common/command-context.decorator';
import { AddQuestionInput, RetireQuestionInput } from './dto/question-bank.inputs';
import { QuestionBank, QuestionPayload } from './dto/question-bank.model';
import { QuestionBankService } from './question-bank.service';

@Resolver(() => QuestionBank)
export class QuestionBankResolver {
  constructor(private readonly service: QuestionBankService) {}

  @Query(() => QuestionBank, { description: 'The questions students may prepare, by theme' })
  questionBank(@CurrentActor() actor: Actor): Promise<QuestionBank> {
    return this.service.get(actor);
  }

  @Mutation(() => QuestionPayload, {
    description: "Admins: add a question to the institution's bank",
  })
  async addQuestion(
    @Ctx() ctx: RequestContext,
    @Args('input') input: AddQuestionInput,
  ): Promise<QuestionPayload> {
    return {
      clientMutationId: input.clientMutationId ?? null,
      ...(await this.service.add(commandContext(ctx, input), input)),
    };
  }

  @Mutation(() => QuestionPayload, {
    description: 'Admins: stop offering a question (past preparations keep naming it)',
  })
  async retireQuestion(
    @Ctx() ctx: RequestContext,
    @Args('input') input: RetireQuestionInput,
  ): Promise<QuestionPayload> {
    return {
      clientMutationId: input.clientMutationId ?? null,
      ...(await this.service.retire(commandContext(ctx, input), input)),
    };
  }
}
