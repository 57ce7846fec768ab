import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { commandContext, Ctx, type RequestContext } from '../common/command-context.decorator';
import {
  ChangeInstitutionSettingsInput,
  RenameInstitutionInput,
  SetIdentityProviderInput,
} from './dto/institution.inputs';
import { Institution, InstitutionPayload } from './dto/institution.model';
import { InstitutionService } from './institution.service';

@Resolver(() => Institution)
export class InstitutionResolver {
  constructor(private readonly service: InstitutionService) {}

  @Mutation(() => InstitutionPayload, {
    description: 'Admins: change the time zone and any program settings (absent ones stay)',
  })
  async changeInstitutionSettings(
    @Ctx() ctx: RequestContext,
    @Args('input') input: ChangeInstitutionSettingsInput,
  ): Promise<InstitutionPayload> {
    return {
      clientMutationId: input.clientMutationId ?? null,
      institution: await this.service.changeSettings(commandContext(ctx, input), input),
    };
  }

  @Mutation(() => InstitutionPayload, { description: 'Admins: rename the institution' })
  async renameInstitution(
    @Ctx() ctx: RequestContext,
    @Args('input') input: RenameInstitutionInput,
  ): Promise<InstitutionPayload> {
    return {
      clientMutationId: input.clientMutationId ?? null,
      institution: await this.service.rename(commandContext(ctx, input), input),
    };
  }

  @Mutation(() => InstitutionPayload, {
    description:
      "Admins: the institution's own OpenID provider; its people sign in with its tokens from then on",
  })
  async setIdentityProvider(
    @Ctx() ctx: RequestContext,
    @Args('input') input: SetIdentityProviderInput,
  ): Promise<InstitutionPayload> {
    return {
      clientMutationId: input.clientMutationId ?? null,
      institution: await this.service.setIdentityProvider(commandContext(ctx, input), input),
    };
  }

  @Query(() => Institution, { description: "The caller's institution" })
  institution(@CurrentActor() actor: Actor): Promise<Institution> {
    return this.service.get(actor);
  }
}
