import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import {
  activityKinds,
  followUpItemKinds,
  funnelStages,
  progressStages,
  type FollowUpItemKind,
  type FunnelStageName,
  type ProgressStage,
} from '@rapport/domain';
import { enumFromList } from '../../common/graphql-enum';

export const ProgressStageEnum = enumFromList(
  'ProgressStage',
  progressStages,
  "Where a student is in the guide's method",
);
export const FollowUpKindEnum = enumFromList(
  'FollowUpKind',
  followUpItemKinds,
  'An obligation a student owes',
);
export const FunnelStageEnum = enumFromList('FunnelStage', funnelStages);
export const ActivityKindEnum = enumFromList('ActivityKind', activityKinds);

@ObjectType({
  description: 'A count under a label (relationship kind, touchpoint kind, activity kind)',
})
export class LabeledCount {
  @Field()
  key!: string;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: 'count of of; rate is null when there is nothing to judge yet' })
export class Rate {
  @Field(() => Int)
  count!: number;

  @Field(() => Int)
  of!: number;

  @Field(() => Float, { nullable: true })
  rate!: number | null;
}

@ObjectType()
export class ContactCounts {
  @Field(() => Int) total!: number;
  @Field(() => Int) archived!: number;
  @Field(() => [LabeledCount]) byRelationship!: LabeledCount[];
}

@ObjectType()
export class RequestCounts {
  @Field(() => Int) sent!: number;
  @Field(() => Int) accepted!: number;
  @Field(() => Int) declined!: number;
  @Field(() => Int) unanswered!: number;
  @Field(() => Int) pending!: number;
  @Field(() => Int) cancelled!: number;
  @Field(() => Int) nudges!: number;
}

@ObjectType()
export class InterviewCounts {
  @Field(() => Int) held!: number;
  @Field(() => Int) heldWithoutRequest!: number;
  @Field(() => Int) upcoming!: number;
  @Field(() => Int) noShows!: number;
  @Field(() => Int) target!: number;
  @Field(() => Int) stretchTarget!: number;
  @Field(() => Int) remaining!: number;
  @Field() atTarget!: boolean;
  @Field() atStretch!: boolean;
}

@ObjectType()
export class ThankYouCounts {
  @Field(() => Int) sent!: number;
  @Field(() => Int) withinWindow!: number;
  @Field(() => Int) late!: number;
  @Field(() => Int) missing!: number;
  @Field(() => Int) pending!: number;
}

@ObjectType()
export class ReferralCounts {
  @Field(() => Int) received!: number;
  @Field(() => Int) requested!: number;
  @Field(() => Int) contacted!: number;
  @Field(() => Int) interviewsWithReferrals!: number;
}

@ObjectType()
export class TouchpointCounts {
  @Field(() => Int) total!: number;
  @Field(() => [LabeledCount]) byKind!: LabeledCount[];
}

@ObjectType()
export class MethodAdherence {
  @Field(() => Rate) preparedBeforeInterview!: Rate;
  @Field(() => Rate) thankedWithinWindow!: Rate;
  @Field(() => Rate) askedForReferrals!: Rate;
}

@ObjectType({ description: "A student's progress through the method at an instant" })
export class StudentProgressView {
  @Field(() => ID) studentId!: string;
  @Field(() => ID, { nullable: true }) cohortId!: string | null;
  @Field() enrolled!: boolean;
  @Field(() => Date) asOf!: Date;
  @Field(() => ContactCounts) contacts!: ContactCounts;
  @Field(() => RequestCounts) requests!: RequestCounts;
  @Field(() => InterviewCounts) interviews!: InterviewCounts;
  @Field(() => ThankYouCounts) thankYous!: ThankYouCounts;
  @Field(() => ReferralCounts) referrals!: ReferralCounts;
  @Field(() => TouchpointCounts) touchpoints!: TouchpointCounts;
  @Field(() => Int) shadowingRequests!: number;
  @Field(() => Date, { nullable: true }) lastActivityAt!: Date | null;
  @Field(() => ProgressStageEnum) stage!: ProgressStage;
  @Field(() => MethodAdherence) adherence!: MethodAdherence;
}

@ObjectType({ description: 'Something a student owes: a thank-you, a nudge, preparation…' })
export class FollowUp {
  @Field(() => FollowUpKindEnum) kind!: FollowUpItemKind;
  @Field(() => Date) openedAt!: Date;
  @Field(() => Date) dueAt!: Date;
  @Field() overdue!: boolean;
  @Field(() => ID, { nullable: true }) interviewId!: string | null;
  @Field(() => ID, { nullable: true }) contactId!: string | null;
  @Field(() => Int, { nullable: true, description: 'For reach_target: interviews still to hold' })
  remaining!: number | null;
}

@ObjectType()
export class Risk {
  @Field(() => Int) score!: number;
  @Field(() => [String]) reasons!: string[];
}

@ObjectType()
export class FunnelStep {
  @Field(() => FunnelStageEnum) stage!: FunnelStageName;
  @Field(() => Int) count!: number;
  @Field(() => Float, { nullable: true }) conversionFromPrevious!: number | null;
  @Field(() => Float, { nullable: true }) medianDaysFromPrevious!: number | null;
}

@ObjectType()
export class AtTarget {
  @Field(() => Int) target!: number;
  @Field(() => Int) students!: number;
  @Field(() => Float, { nullable: true }) share!: number | null;
}

@ObjectType()
export class ThankYouSla {
  @Field(() => Int) decided!: number;
  @Field(() => Int) breached!: number;
  @Field(() => Float, { nullable: true }) breachRate!: number | null;
}

@ObjectType()
export class IndustryShare {
  @Field() industry!: string;
  @Field(() => Int) contacts!: number;
}

@ObjectType()
export class WeekActivity {
  @Field({ description: 'ISO week, e.g. 2026-W41' }) week!: string;
  @Field({ description: 'Its Monday, YYYY-MM-DD' }) weekStart!: string;
  @Field(() => [LabeledCount]) counts!: LabeledCount[];
}

@ObjectType({ description: "A cohort's funnel and health at an instant" })
export class CohortDashboardView {
  @Field(() => ID) cohortId!: string;
  @Field(() => Date) asOf!: Date;
  @Field(() => Int) students!: number;
  @Field(() => Int) withdrawn!: number;
  @Field(() => [FunnelStep]) funnel!: FunnelStep[];
  @Field(() => Int) heldWithoutRequest!: number;
  @Field(() => AtTarget) atTarget!: AtTarget;
  @Field(() => Int) overdueFollowUps!: number;
  @Field(() => ThankYouSla) thankYouSla!: ThankYouSla;
  @Field(() => [IndustryShare]) industryMix!: IndustryShare[];
  @Field(() => [WeekActivity]) weeklyActivity!: WeekActivity[];
}

@ObjectType({ description: 'One contact in a referral chain; parentContactId links the chain' })
export class ReferralNodeView {
  @Field(() => ID) contactId!: string;
  @Field(() => ID, { nullable: true }) parentContactId!: string | null;
  @Field(() => Int) depth!: number;
  @Field() relationship!: string;
  @Field(() => String, { nullable: true }) organization!: string | null;
  @Field(() => String, { nullable: true }) role!: string | null;
  @Field(() => String, { nullable: true }) industry!: string | null;
  @Field() interviewed!: boolean;
  @Field() producedReferrals!: boolean;
  @Field(() => Int) referrals!: number;
}

@ObjectType({ description: "A student's contacts as chains from first contacts through referrals" })
export class ReferralNetworkView {
  @Field(() => [ReferralNodeView], { description: 'Depth-first: each node after its parent' })
  nodes!: ReferralNodeView[];
  @Field(() => Int) maxDepth!: number;
  @Field(() => Int) maxBranching!: number;
}

@ObjectType({
  description: 'A professional several students contacted (matched on organization and role)',
})
export class SharedProfessionalView {
  @Field() organization!: string;
  @Field() role!: string;
  @Field(() => [ID]) studentIds!: string[];
}

@ObjectType()
export class TimelineEntryView {
  @Field(() => Date) at!: Date;
  @Field() kind!: string;
  @Field() title!: string;
  @Field(() => String, { nullable: true }) detail!: string | null;
}
