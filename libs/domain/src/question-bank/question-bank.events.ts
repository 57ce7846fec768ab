import { type Event } from '../shared/decider';
import { type QuestionTheme } from './question-bank.defaults';

// Questions are program content, not personal data: no `personal` part.

export type QuestionAdded = Event<
  'QuestionAdded',
  { questionId: string; theme: QuestionTheme; text: string; at: string }
>;

export type QuestionRetired = Event<'QuestionRetired', { questionId: string; at: string }>;

export type QuestionBankEvent = QuestionAdded | QuestionRetired;

export type QuestionBankEventType = QuestionBankEvent['type'];

export const QuestionBankEventSchemaVersions: Record<QuestionBankEventType, number> = {
  QuestionAdded: 1,
  QuestionRetired: 1,
};
