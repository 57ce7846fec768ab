import { Field, ID, InputType } from '@nestjs/graphql';
import { TEXT_LIMITS } from '@rapport/domain';
import { IsString, Length } from 'class-validator';
import { MutationInput } from '../../common/mutation-input';

@InputType()
export class AddAdvisorNoteInput extends MutationInput {
  @Field(() => ID)
  @IsString()
  @Length(1, 100)
  studentId!: string;

  @Field()
  @IsString()
  @Length(1, TEXT_LIMITS.long)
  text!: string;
}

@InputType()
export class EditAdvisorNoteInput extends MutationInput {
  @Field(() => ID)
  @IsString()
  @Length(1, 100)
  studentId!: string;

  @Field(() => ID)
  @IsString()
  @Length(1, 100)
  noteId!: string;

  @Field()
  @IsString()
  @Length(1, TEXT_LIMITS.long)
  text!: string;
}

@InputType()
export class RetractAdvisorNoteInput extends MutationInput {
  @Field(() => ID)
  @IsString()
  @Length(1, 100)
  studentId!: string;

  @Field(() => ID)
  @IsString()
  @Length(1, 100)
  noteId!: string;
}
