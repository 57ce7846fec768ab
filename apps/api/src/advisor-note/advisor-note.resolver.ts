import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { commandContext, Ctx, type RequestContext } from '../common/command-context.decorator';
import { AdvisorNoteService } from './advisor-note.service';
import {
  AddAdvisorNoteInput,
  EditAdvisorNoteInput,
  RetractAdvisorNoteInput,
} from './dto/advisor-note.inputs';
import { AdvisorNote, AdvisorNotePayload } from './dto/advisor-note.model';

@Resolver(() => AdvisorNote)
export class AdvisorNoteResolver {
  constructor(private readonly service: AdvisorNoteService) {}

  @Mutation(() => AdvisorNotePayload, {
    description: "Advisors of the student's cohort and admins: note something about a student",
  })
  async addAdvisorNote(
    @Ctx() ctx: RequestContext,
    @Args('input') input: AddAdvisorNoteInput,
  ): Promise<AdvisorNotePayload> {
    return {
      clientMutationId: input.clientMutationId ?? null,
      note: await this.service.add(commandContext(ctx, input), input),
    };
  }

  @Mutation(() => AdvisorNotePayload, {
    description: 'Replace the text of a note; only its author may',
  })
  async editAdvisorNote(
    @Ctx() ctx: RequestContext,
    @Args('input') input: EditAdvisorNoteInput,
  ): Promise<AdvisorNotePayload> {
    return {
      clientMutationId: input.clientMutationId ?? null,
      note: await this.service.edit(commandContext(ctx, input), input),
    };
  }

  @Mutation(() => AdvisorNotePayload, {
    description:
      'Withdraw a note; it is no longer listed. Its author may, and an admin may take down any note (recorded as such)',
  })
  async retractAdvisorNote(
    @Ctx() ctx: RequestContext,
    @Args('input') input: RetractAdvisorNoteInput,
  ): Promise<AdvisorNotePayload> {
    return {
      clientMutationId: input.clientMutationId ?? null,
      note: await this.service.retract(commandContext(ctx, input), input),
    };
  }

  @Query(() => [AdvisorNote], {
    description: "Notes on a student: for the student's advisors and admins, never the student",
  })
  advisorNotes(
    @CurrentActor() actor: Actor,
    @Args('studentId', { type: () => ID }) studentId: string,
  ): Promise<AdvisorNote[]> {
    return this.service.listForStudent(actor, studentId);
  }
}
