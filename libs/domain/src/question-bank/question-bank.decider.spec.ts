import { fold } from '../shared/decider';
import { DomainErrorCode } from '../shared/domain-error';
import { deciderSpec } from '../testing/decider-spec';
import { type QuestionAdded, type QuestionRetired } from './question-bank.events';
import {
  activeQuestions,
  questionBankDecider,
  unknownOrRetiredQuestionIds,
} from './question-bank.decider';
import { defaultQuestionBank } from './question-bank.defaults';

const spec = deciderSpec(questionBankDecider);
const at = '2025-08-01T10:00:00.000Z';

const added: QuestionAdded = {
  type: 'QuestionAdded',
  data: {
    questionId: 'q-remote-work',
    theme: 'trends',
    text: 'How has remote work changed your field?',
    at,
  },
};
const retired: QuestionRetired = {
  type: 'QuestionRetired',
  data: { questionId: 'q-professional-associations', at },
};

describe('question bank', () => {
  it("starts with the guide's 13 questions, each with a unique id", () => {
    expect(defaultQuestionBank).toHaveLength(13);
    expect(new Set(defaultQuestionBank.map(({ id }) => id)).size).toBe(13);
    expect(activeQuestions(questionBankDecider.initialState())).toEqual(defaultQuestionBank);
  });

  it('is the default bank plus added minus retired', () => {
    const state = fold(questionBankDecider, [added, retired]);
    const ids = activeQuestions(state).map(({ id }) => id);
    expect(ids).toContain('q-remote-work');
    expect(ids).not.toContain('q-professional-associations');
    expect(ids).toHaveLength(13);
    expect(
      unknownOrRetiredQuestionIds(state, ['q-typical-day', 'q-professional-associations', 'q-x']),
    ).toEqual(['q-professional-associations', 'q-x']);
  });

  describe('AddQuestion', () => {
    it("adds an institution's own question", () => {
      spec
        .given([])
        .when({ type: 'AddQuestion', data: { ...added.data, text: ` ${added.data.text} ` } })
        .then([added]);
    });

    it('rejects a taken id, even a guide one', () => {
      spec
        .given([])
        .when({ type: 'AddQuestion', data: { ...added.data, questionId: 'q-typical-day' } })
        .thenError(DomainErrorCode.ALREADY_EXISTS, { field: 'questionId' });
    });

    it('rejects the same question text twice', () => {
      spec
        .given([])
        .when({
          type: 'AddQuestion',
          data: { ...added.data, text: 'what do you think I should do next?' },
        })
        .thenError(DomainErrorCode.ALREADY_EXISTS, { field: 'text' });
    });

    it.each([
      [{ theme: 'gossip' }, 'theme'],
      [{ text: ' ' }, 'text'],
      [{ questionId: '' }, 'questionId'],
    ])('rejects invalid input %j', (override, field) => {
      spec
        .given([])
        .when({ type: 'AddQuestion', data: { ...added.data, ...override } } as never)
        .thenError(DomainErrorCode.VALIDATION, { field });
    });
  });

  describe('RetireQuestion', () => {
    it('retires a guide question', () => {
      spec
        .given([])
        .when({ type: 'RetireQuestion', data: { questionId: 'q-professional-associations', at } })
        .then([retired]);
    });

    it('rejects an unknown question', () => {
      spec
        .given([])
        .when({ type: 'RetireQuestion', data: { questionId: 'q-nope', at } })
        .thenError(DomainErrorCode.NOT_FOUND);
    });

    it('rejects retiring twice', () => {
      spec
        .given([retired])
        .when({ type: 'RetireQuestion', data: { questionId: 'q-professional-associations', at } })
        .thenError(DomainErrorCode.INVALID_TRANSITION);
    });
  });
});
