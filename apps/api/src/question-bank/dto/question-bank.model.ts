import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { type BankQuestion, type QuestionTheme, questionThemes } from '@rapport/domain';
import { enumFromList } from '../../common/graphql-enum';

export const QuestionThemeEnum = enumFromList(
  'QuestionTheme',
  questionThemes,
  'What a question to ask a professional is about',
);

export const QuestionSourceEnum = enumFromList(
  'QuestionSource',
  ['guide', 'institution'] as const satisfies readonly BankQuestion['source'][],
  "guide: the program guide's own questions; institution: added by the career center",
);

@ObjectType({ description: 'A question students may prepare for an informational interview' })
export class Question {
  @Field(() => ID)
  id!: string;

  @Field(() => QuestionThemeEnum)
  theme!: QuestionTheme;

  @Field()
  text!: string;

  @Field(() => QuestionSourceEnum)
  source!: BankQuestion['source'];

  @Field({ description: 'Retired questions are no longer offered' })
  retired!: boolean;
}

@ObjectType()
export class QuestionsOfTheme {
  @Field(() => QuestionThemeEnum)
  theme!: QuestionTheme;

  @Field(() => [Question])
  questions!: Question[];
}

@ObjectType({ description: "The guide's questions plus the institution's own, active ones only" })
export class QuestionBank {
  @Field(() => [QuestionsOfTheme], { description: 'Every theme, in the guide order' })
  themes!: QuestionsOfTheme[];

  @Field(() => Int, { description: 'Pass as expectedVersion to change it only if nobody else did' })
  version!: number;
}

@ObjectType()
export class QuestionPayload {
  @Field(() => String, { nullable: true })
  clientMutationId!: string | null;

  @Field(() => Question)
  question!: Question;

  @Field(() => QuestionBank)
  questionBank!: QuestionBank;
}
