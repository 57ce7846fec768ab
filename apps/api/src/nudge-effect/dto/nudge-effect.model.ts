import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import type { FollowUpStepKind } from '@rapport/domain';
import { FollowUpKindEnum } from '../../progress/dto/progress.model';

@ObjectType({
  description: 'Of the settled digest items (the pending left out), each share 0 to 1',
})
export class NudgeEffectShares {
  @Field(() => Float) doneFromMail!: number;
  @Field(() => Float) doneElsewhere!: number;
  @Field(() => Float) notDone!: number;
}

@ObjectType({ isAbstract: true })
abstract class NudgeEffectCounts {
  @Field(() => Int) items!: number;
  @Field(() => Int, { description: 'Not done yet, the window still open' }) pending!: number;
  @Field(() => Int) doneFromMail!: number;
  @Field(() => Int) doneElsewhere!: number;
  @Field(() => Int) notDone!: number;
  @Field(() => NudgeEffectShares, { nullable: true, description: 'Null when nothing is settled' })
  shares!: NudgeEffectShares | null;
  @Field(() => Float, {
    nullable: true,
    description: 'Median days from the digest to the step, over the items done in the window',
  })
  medianDaysToAct!: number | null;
}

@ObjectType({ description: 'Digest items of one follow-up kind, and what came of them' })
export class NudgeEffectByKind extends NudgeEffectCounts {
  @Field(() => FollowUpKindEnum) kind!: FollowUpStepKind;
}

@ObjectType({
  description:
    "Did the nudge work: the cohort's student digests sent by asOf, and whether each item was done within windowDays, through the mail's link or elsewhere",
})
export class NudgeEffectView extends NudgeEffectCounts {
  @Field(() => Date) asOf!: Date;
  @Field(() => Int) windowDays!: number;
  @Field(() => Int) digestsSent!: number;
  @Field(() => Int, { description: 'Digests the student came back through by asOf' })
  digestsOpened!: number;
  @Field(() => [NudgeEffectByKind]) byKind!: NudgeEffectByKind[];
}
