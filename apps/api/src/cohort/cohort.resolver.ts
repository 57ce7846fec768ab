import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { commandContext, Ctx, type RequestContext } from '../common/command-context.decorator';
import { CohortService } from './cohort.service';
import {
  AssignAdvisorInput,
  CreateCohortInput,
  EnrollStudentsInput,
  UnassignAdvisorInput,
  UpdateCohortInput,
  WithdrawStudentInput,
} from './dto/cohort.inputs';
import { Cohort, CohortPayload, EnrollStudentsPayload } from './dto/cohort.model';

@Resolver(() => Cohort)
export class CohortResolver {
  constructor(private readonly service: CohortService) {}

  @Mutation(() => CohortPayload, { description: 'Admins: start a cohort' })
  async createCohort(
    @Ctx() ctx: RequestContext,
    @Args('input') input: CreateCohortInput,
  ): Promise<CohortPayload> {
    return {
      clientMutationId: input.clientMutationId ?? null,
      cohort: await this.service.create(commandContext(ctx, input), input),
    };
  }

  @Mutation(() => CohortPayload, { description: 'Admins: change what a cohort is called or runs' })
  async updateCohort(
    @Ctx() ctx: RequestContext,
    @Args('input') input: UpdateCohortInput,
  ): Promise<CohortPayload> {
    return {
      clientMutationId: input.clientMutationId ?? null,
      cohort: await this.service.update(commandContext(ctx, input), input),
    };
  }

  @Mutation(() => CohortPayload, { description: "Admins: give an advisor the cohort's students" })
  async assignAdvisor(
    @Ctx() ctx: RequestContext,
    @Args('input') input: AssignAdvisorInput,
  ): Promise<CohortPayload> {
    return {
      clientMutationId: input.clientMutationId ?? null,
      cohort: await this.service.assignAdvisor(commandContext(ctx, input), input),
    };
  }

  @Mutation(() => CohortPayload, {
    description: "Admins: take the cohort's students from an advisor",
  })
  async unassignAdvisor(
    @Ctx() ctx: RequestContext,
    @Args('input') input: UnassignAdvisorInput,
  ): Promise<CohortPayload> {
    return {
      clientMutationId: input.clientMutationId ?? null,
      cohort: await this.service.unassignAdvisor(commandContext(ctx, input), input),
    };
  }

  @Mutation(() => EnrollStudentsPayload, {
    description: 'Admins: enrol a roster; good rows enrol, bad rows are reported with a reason',
  })
  async enrollStudents(
    @Ctx() ctx: RequestContext,
    @Args('input') input: EnrollStudentsInput,
  ): Promise<EnrollStudentsPayload> {
    return {
      clientMutationId: input.clientMutationId ?? null,
      ...(await this.service.enroll(commandContext(ctx, input), input)),
    };
  }

  @Mutation(() => CohortPayload, { description: 'Admins: take a student off the roster' })
  async withdrawStudent(
    @Ctx() ctx: RequestContext,
    @Args('input') input: WithdrawStudentInput,
  ): Promise<CohortPayload> {
    return {
      clientMutationId: input.clientMutationId ?? null,
      cohort: await this.service.withdrawStudent(commandContext(ctx, input), input),
    };
  }

  @Query(() => [Cohort], {
    description: 'Admins: every cohort; advisors: those they are assigned to; students: their own',
  })
  cohorts(@CurrentActor() actor: Actor): Promise<Cohort[]> {
    return this.service.list(actor);
  }

  @Query(() => Cohort)
  cohort(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<Cohort> {
    return this.service.get(actor, id);
  }
}
