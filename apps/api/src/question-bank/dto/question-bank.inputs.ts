import { Field, ID, InputType } from '@nestjs/graphql';
import { QUESTION_TEXT_LIMIT, type QuestionTheme, questionThemes } from '@rapport/domain';
import { IsIn, IsString, Length } from 'class-validator';
import { MutationInput } from '../../common/mutation-input';
import { QuestionThemeEnum } from './question-bank.model';

@InputType()
export class AddQuestionInput extends MutationInput {
  @Field(() => QuestionThemeEnum)
  @IsIn(questionThemes)
  theme!: QuestionTheme;

  @Field()
  @IsString()
  @Length(1, QUESTION_TEXT_LIMIT)
  text!: string;
}

@InputType()
export class RetireQuestionInput extends MutationInput {
  @Field(() => ID)
  @IsString()
  @Length(1, 100)
  questionId!: string;
}
