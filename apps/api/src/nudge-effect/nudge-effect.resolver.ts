import { Args, GraphQLISODateTime, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { CohortDashboardView } from '../progress/dto/progress.model';
import { NudgeEffectView } from './dto/nudge-effect.model';
import { NudgeEffectService } from './nudge-effect.service';

/** The cohort dashboard's "did the nudge work?". */
@Resolver(() => CohortDashboardView)
export class NudgeEffectResolver {
  constructor(private readonly nudgeEffect: NudgeEffectService) {}

  @ResolveField('nudgeEffect', () => NudgeEffectView, {
    description:
      "Whether the cohort's student digests led to action within 7 days: from the mail's links or elsewhere, by follow-up kind",
  })
  async resolveNudgeEffect(
    @Parent() dashboard: CohortDashboardView,
    @CurrentActor() actor: Actor,
    @Args('asOf', {
      type: () => GraphQLISODateTime,
      nullable: true,
      description: "As it was at this instant; the dashboard's instant when omitted",
    })
    asOf?: Date,
  ): Promise<NudgeEffectView> {
    const effect = await this.nudgeEffect.cohortNudgeEffect(
      actor,
      dashboard.cohortId,
      asOf ?? dashboard.asOf,
    );
    return { ...effect, asOf: new Date(effect.asOf) };
  }
}
