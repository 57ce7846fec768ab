import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { DigestAdminService } from './digest-admin.service';
import { DeadDigest, DigestRun } from './dto/digest.model';

@Resolver()
export class DigestResolver {
  constructor(private readonly service: DigestAdminService) {}

  @Query(() => [DigestRun], { description: 'Admins: the latest weekly digest runs, newest first' })
  digestRuns(
    @CurrentActor() actor: Actor,
    @Args('last', { type: () => Int, defaultValue: 8 }) last: number,
  ) {
    return this.service.runs(actor, last);
  }

  @Mutation(() => DeadDigest, { description: 'Admins: queue a dead digest message again' })
  resendDigest(
    @CurrentActor() actor: Actor,
    @Args('messageId', { type: () => ID }) messageId: string,
  ) {
    return this.service.resend(actor, messageId);
  }
}
