import { Args, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { commandContext, Ctx, type RequestContext } from '../common/command-context.decorator';
import { Student } from '../student/dto/student.model';
import { CalendarFeedService, type CalendarFeedView } from './calendar-feed.service';
import {
  CalendarFeed,
  CalendarFeedInput,
  RenewCalendarFeedPayload,
  RevokeCalendarFeedPayload,
} from './dto/calendar-feed.model';

@Resolver(() => Student)
export class CalendarFeedResolver {
  constructor(private readonly feeds: CalendarFeedService) {}

  @ResolveField(() => CalendarFeed, {
    nullable: true,
    description:
      "The student's private calendar feed; null when they have none, and for anyone but the student (the URL is a credential)",
  })
  async calendarFeed(
    @Parent() student: Student,
    @CurrentActor() actor: Actor,
  ): Promise<CalendarFeed | null> {
    return toModel(await this.feeds.feedFor(actor, student.id));
  }

  @Mutation(() => RenewCalendarFeedPayload, {
    description: 'A student gets a new private calendar feed URL; any earlier one stops working',
  })
  async renewCalendarFeed(
    @Ctx() ctx: RequestContext,
    @Args('input', { nullable: true }) input?: CalendarFeedInput,
  ): Promise<RenewCalendarFeedPayload> {
    const feed = await this.feeds.renew(commandContext(ctx, input ?? {}));
    return { clientMutationId: input?.clientMutationId ?? null, calendarFeed: toModel(feed)! };
  }

  @Mutation(() => RevokeCalendarFeedPayload, {
    description: 'A student turns their calendar feed off: no URL of it works until they renew',
  })
  async revokeCalendarFeed(
    @Ctx() ctx: RequestContext,
    @Args('input', { nullable: true }) input?: CalendarFeedInput,
  ): Promise<RevokeCalendarFeedPayload> {
    await this.feeds.revoke(commandContext(ctx, input ?? {}));
    return { clientMutationId: input?.clientMutationId ?? null, revoked: true };
  }
}

function toModel(feed: CalendarFeedView | null): CalendarFeed | null {
  return feed && { url: feed.url, renewedAt: new Date(feed.renewedAt) };
}
