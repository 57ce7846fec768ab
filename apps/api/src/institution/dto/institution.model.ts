import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({
  description: 'Program settings a career center tunes; due dates and digests read them',
})
export class InstitutionSettings {
  @Field(() => Int, { description: 'ISO weekday of the weekly digest: 1 = Monday … 7 = Sunday' })
  digestWeekday!: number;

  @Field(() => Int, { description: "Local hour (0-23, the institution's time zone) of the digest" })
  digestHour!: number;

  @Field(() => Int, { description: 'Days after an interview by which a thank-you is due' })
  thankYouWindowDays!: number;

  @Field(() => Int, { description: 'Interviews each student should aim for' })
  interviewTarget!: number;

  @Field(() => Int, { description: 'The stretch goal, at least the target' })
  interviewStretchTarget!: number;

  @Field(() => Int, { description: 'Days without a reply before a polite nudge is due' })
  nudgeAfterDays!: number;

  @Field(() => Int, { description: 'Days of silence after which staying in touch is due' })
  stayInTouchDays!: number;

  @Field(() => Int, { description: 'Default length, in minutes, a request asks for' })
  requestedMeetingMinutes!: number;

  @Field(() => Int, { description: 'Days before an interview by which preparation is due' })
  prepareBeforeDays!: number;

  @Field(() => Int, { description: 'Days after a referral by which the student should reach out' })
  referralFollowUpDays!: number;

  @Field(() => Int, {
    description:
      "Months after a student's last cohort ended before they are erased (1-240; default 24)",
  })
  retentionMonthsAfterCohortEnd!: number;
}

@ObjectType({
  description: "The institution's own OpenID provider, through which its people sign in",
})
export class IdentityProvider {
  @Field({ description: 'The `iss` of its tokens; its keys come from OpenID discovery there' })
  issuer!: string;

  @Field({ description: 'The `aud` its tokens for Rapport carry' })
  audience!: string;

  @Field({ description: 'The claim with the email (used only when `email_verified` is true)' })
  emailClaim!: string;

  @Field(() => String, { nullable: true, description: "The claim with the institution's own id" })
  externalIdClaim!: string | null;
}

@ObjectType({ description: 'The institution (tenant) of the caller' })
export class Institution {
  @Field(() => ID, { description: 'The tenant id' })
  id!: string;

  @Field()
  name!: string;

  @Field()
  slug!: string;

  @Field({ description: 'IANA time zone, e.g. America/Chicago' })
  timeZone!: string;

  @Field(() => InstitutionSettings)
  settings!: InstitutionSettings;

  @Field(() => IdentityProvider, {
    nullable: true,
    description: 'Its OpenID provider; null until an admin sets one',
  })
  identityProvider!: IdentityProvider | null;

  @Field(() => Int, { description: 'Pass as expectedVersion to change it only if nobody else did' })
  version!: number;
}

@ObjectType()
export class InstitutionPayload {
  @Field(() => String, { nullable: true })
  clientMutationId!: string | null;

  @Field(() => Institution)
  institution!: Institution;
}
