import { type Command } from '../shared/decider';
import { type QuestionTheme } from './question-bank.defaults';

export type AddQuestion = Command<
  'AddQuestion',
  { questionId: string; theme: QuestionTheme; text: string; at: string }
>;

/** Retired questions stay resolvable by id (old preparations name them) but are not offered. */
export type RetireQuestion = Command<'RetireQuestion', { questionId: string; at: string }>;

export type QuestionBankCommand = AddQuestion | RetireQuestion;
