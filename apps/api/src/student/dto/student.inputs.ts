import { Field, InputType } from '@nestjs/graphql';
import { type DigestPreference, digestPreferences } from '@rapport/domain';
import { ArrayMaxSize, IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { MutationInput } from '../../common/mutation-input';
import { DigestPreferenceEnum } from './student.model';

/** The calling student's own profile; absent fields keep their value. */
@InputType()
export class UpdateStudentProfileInput extends MutationInput {
  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @Field({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(320)
  email?: string;

  @Field(() => [String], { nullable: true, description: 'Replaces the whole list (at most 20)' })
  @IsOptional()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  careerInterests?: string[];
}

@InputType()
export class SetDigestPreferenceInput extends MutationInput {
  @Field(() => DigestPreferenceEnum)
  @IsIn(digestPreferences)
  preference!: DigestPreference;
}
