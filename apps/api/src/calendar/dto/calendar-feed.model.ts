import { Field, InputType, ObjectType } from '@nestjs/graphql';
import { IsOptional, IsString, Length } from 'class-validator';

@ObjectType({
  description:
    "The student's private calendar feed (iCalendar). Its URL is a credential: only the student sees it",
})
export class CalendarFeed {
  @Field({ description: 'Subscribe to this URL in a calendar app (or use it as webcal://)' })
  url!: string;

  @Field(() => Date, { description: 'When this URL was made; earlier URLs stopped working then' })
  renewedAt!: Date;
}

/** Only a retry key: the feed id is chosen by the server, at random. */
@InputType()
export class CalendarFeedInput {
  @Field({
    nullable: true,
    description:
      'Send the same value when retrying: the first result is returned, nothing is recorded twice',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  clientMutationId?: string;
}

@ObjectType()
export class RenewCalendarFeedPayload {
  @Field(() => String, { nullable: true })
  clientMutationId!: string | null;

  @Field(() => CalendarFeed)
  calendarFeed!: CalendarFeed;
}

@ObjectType()
export class RevokeCalendarFeedPayload {
  @Field(() => String, { nullable: true })
  clientMutationId!: string | null;

  @Field({ description: 'True: no feed URL of this student works any more' })
  revoked!: boolean;
}
