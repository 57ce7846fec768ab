import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { commandContext, Ctx, type RequestContext } from '../common/command-context.decorator';
import { PageArgs } from '../common/connection';
import {
  DeactivateStaffInput,
  InviteStaffInput,
  ResendStaffInvitationInput,
} from './dto/staff.inputs';
import { StaffMember, StaffMemberConnection, StaffPayload } from './dto/staff.model';
import { StaffService } from './staff.service';

@Resolver(() => StaffMember)
export class StaffResolver {
  constructor(private readonly service: StaffService) {}

  @Mutation(() => StaffPayload, {
    description: 'Admins: invite an advisor or admin; the invitation goes to their email',
  })
  async inviteStaff(
    @Ctx() ctx: RequestContext,
    @Args('input') input: InviteStaffInput,
  ): Promise<StaffPayload> {
    return {
      clientMutationId: input.clientMutationId ?? null,
      staffMember: await this.service.invite(commandContext(ctx, input), input),
    };
  }

  @Mutation(() => StaffPayload, {
    description: 'Admins: send the invitation again to someone who has not signed in yet',
  })
  async resendStaffInvitation(
    @Ctx() ctx: RequestContext,
    @Args('input') input: ResendStaffInvitationInput,
  ): Promise<StaffPayload> {
    return {
      clientMutationId: input.clientMutationId ?? null,
      staffMember: await this.service.resendInvitation(commandContext(ctx, input), input),
    };
  }

  @Mutation(() => StaffPayload, {
    description: 'Admins: end a staff member’s access; their tokens stop working at once',
  })
  async deactivateStaff(
    @Ctx() ctx: RequestContext,
    @Args('input') input: DeactivateStaffInput,
  ): Promise<StaffPayload> {
    return {
      clientMutationId: input.clientMutationId ?? null,
      staffMember: await this.service.deactivate(commandContext(ctx, input), input),
    };
  }

  @Query(() => StaffMemberConnection, {
    description: 'Admins: advisors and admins of the institution with their status, by name',
  })
  staff(@CurrentActor() actor: Actor, @Args() page: PageArgs): Promise<StaffMemberConnection> {
    return this.service.list(actor, page);
  }
}
