import { Field, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, MaxLength, ValidateNested } from 'class-validator';
import { MutationInput } from '../../common/mutation-input';

/** Absent keys keep their value; ranges are the domain's to check (it names the field). */
@InputType()
export class InstitutionSettingsInput {
  @Field(() => Int, { nullable: true, description: '1 = Monday … 7 = Sunday' })
  @IsOptional()
  @IsInt()
  digestWeekday?: number;

  @Field(() => Int, { nullable: true, description: '0-23, local time' })
  @IsOptional()
  @IsInt()
  digestHour?: number;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  thankYouWindowDays?: number;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  interviewTarget?: number;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  interviewStretchTarget?: number;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  nudgeAfterDays?: number;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  stayInTouchDays?: number;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  requestedMeetingMinutes?: number;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  prepareBeforeDays?: number;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  referralFollowUpDays?: number;

  @Field(() => Int, { nullable: true, description: '1-240 months' })
  @IsOptional()
  @IsInt()
  retentionMonthsAfterCohortEnd?: number;
}

@InputType()
export class ChangeInstitutionSettingsInput extends MutationInput {
  @Field(() => String, { nullable: true, description: 'IANA time zone, e.g. America/New_York' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  timeZone?: string;

  @Field(() => InstitutionSettingsInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => InstitutionSettingsInput)
  settings?: InstitutionSettingsInput;
}

@InputType()
export class RenameInstitutionInput extends MutationInput {
  @Field()
  @IsString()
  @Length(1, 200)
  name!: string;
}

@InputType()
export class SetIdentityProviderInput extends MutationInput {
  @Field({ description: 'Exactly the `iss` of its tokens, e.g. https://login.state-u.edu' })
  @IsString()
  @MaxLength(500)
  issuer!: string;

  @Field({ description: 'The `aud` its tokens for Rapport carry (often the client id)' })
  @IsString()
  @MaxLength(500)
  audience!: string;

  @Field(() => String, {
    nullable: true,
    defaultValue: 'email',
    description: 'The claim with the email; used only when `email_verified` is true',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  emailClaim?: string | null;

  @Field(() => String, {
    nullable: true,
    description: "The claim with the institution's own id for the person (student number)",
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  externalIdClaim?: string | null;
}
