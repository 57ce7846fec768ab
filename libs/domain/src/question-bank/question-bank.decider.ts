import { normalizeInstant } from '../shared/dates';
import { type Decider } from '../shared/decider';
import { DomainError } from '../shared/domain-error';
import {
  firstError,
  requireId,
  requireInstant,
  requireOneOf,
  requireText,
} from '../shared/validation';
import {
  type AddQuestion,
  type QuestionBankCommand,
  type RetireQuestion,
} from './question-bank.commands';
import { defaultQuestionBank, questionThemes, type BankQuestion } from './question-bank.defaults';
import { type QuestionBankEvent } from './question-bank.events';

/** Every question ever known (guide + added), and which of them are retired. */
export interface QuestionBankState {
  questions: readonly BankQuestion[];
  retiredIds: ReadonlySet<string>;
}

type Result = QuestionBankEvent[] | DomainError;

export const QUESTION_TEXT_LIMIT = 500;

export const questionBankDecider: Decider<
  QuestionBankCommand,
  QuestionBankEvent,
  QuestionBankState
> = {
  decide(command, state) {
    switch (command.type) {
      case 'AddQuestion':
        return addQuestion(command, state);
      case 'RetireQuestion':
        return retireQuestion(command, state);
      default: {
        const _exhaustive: never = command;
        return _exhaustive;
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'QuestionAdded': {
        const { questionId: id, theme, text } = event.data;
        return {
          ...state,
          questions: [...state.questions, { id, theme, text, source: 'institution' }],
        };
      }
      case 'QuestionRetired':
        return { ...state, retiredIds: new Set(state.retiredIds).add(event.data.questionId) };
      default: {
        const _exhaustive: never = event;
        return _exhaustive;
      }
    }
  },

  // An empty stream already holds the guide's questions.
  initialState: () => ({ questions: defaultQuestionBank, retiredIds: new Set() }),
};

/** The questions students may choose from, in bank order. */
export function activeQuestions(state: QuestionBankState): BankQuestion[] {
  return state.questions.filter(({ id }) => !state.retiredIds.has(id));
}

/** Ids a preparation or interview may not name (unknown or retired), for the command service. */
export function unknownOrRetiredQuestionIds(
  state: QuestionBankState,
  questionIds: readonly string[],
): string[] {
  const active = new Set(activeQuestions(state).map(({ id }) => id));
  return questionIds.filter((id) => !active.has(id));
}

function addQuestion({ data }: AddQuestion, state: QuestionBankState): Result {
  const error = firstError(
    requireId(data.questionId, 'questionId', 'The question id'),
    requireOneOf(data.theme, questionThemes, 'theme', 'The theme'),
    requireText(data.text, 'text', 'The question', QUESTION_TEXT_LIMIT),
    requireInstant(data.at, 'at', 'The time the question was added'),
  );
  if (error) return error;
  if (state.questions.some(({ id }) => id === data.questionId)) {
    return DomainError.alreadyExists(
      `A question with id ${data.questionId} already exists`,
      'questionId',
    );
  }
  const text = data.text.trim();
  const sameText = activeQuestions(state).find(
    (question) => question.text.toLowerCase() === text.toLowerCase(),
  );
  if (sameText) {
    return DomainError.alreadyExists(
      `This question is already in the bank as ${sameText.id}`,
      'text',
    );
  }
  return [
    {
      type: 'QuestionAdded',
      data: { questionId: data.questionId, theme: data.theme, text, at: normalizeInstant(data.at) },
    },
  ];
}

function retireQuestion({ data }: RetireQuestion, state: QuestionBankState): Result {
  const error = requireInstant(data.at, 'at', 'The time the question was retired');
  if (error) return error;
  if (!state.questions.some(({ id }) => id === data.questionId)) {
    return DomainError.notFound(`There is no question with id ${data.questionId}`, 'questionId');
  }
  if (state.retiredIds.has(data.questionId)) {
    return DomainError.invalidTransition('This question has already been retired');
  }
  return [
    {
      type: 'QuestionRetired',
      data: { questionId: data.questionId, at: normalizeInstant(data.at) },
    },
  ];
}
