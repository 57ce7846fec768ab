import { Injectable } from '@nestjs/common';
import {
  activeQuestions,
  DomainError,
  type QuestionBankState,
  questionBankDecider,
  questionThemes,
  streamIds,
} from '@rapport/domain';
import { AccessService } from '../access/access.service';
import type { Actor } from '../auth/actor';
import { newId } from '../common/ids';
import { AggregateStatesRepository } from '../write/aggregate-states.repository';
import type { CommandContext } from '../write/command-context';
import { CommandExecutor } from '../write/command-executor';
import type { AddQuestionInput, RetireQuestionInput } from './dto/question-bank.inputs';
import type { Question, QuestionBank } from './dto/question-bank.model';

export interface QuestionChange {
  question: Question;
  questionBank: QuestionBank;
}

/** Every role reads the bank; admins curate their institution's additions. */
@Injectable()
export class QuestionBankService {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly states: AggregateStatesRepository,
    private readonly access: AccessService,
  ) {}

  async get(actor: Actor): Promise<QuestionBank> {
    const stored = await this.states.find<QuestionBankState>(
      actor.tenantId,
      streamIds.questionBank(),
    );
    // No stream yet: the bank is the guide's questions alone.
    return toQuestionBank(
      stored?.state ?? questionBankDecider.initialState(),
      stored?.version ?? 0,
    );
  }

  async add(context: CommandContext, input: AddQuestionInput): Promise<QuestionChange> {
    this.access.requireRole(context.actor, 'admin');
    const questionId = newId(context, 'question');
    const result = await this.executor.execute<QuestionBankState>(
      context,
      {
        type: 'AddQuestion',
        data: { questionId, theme: input.theme, text: input.text, at: context.now.toISOString() },
      },
      { expectedVersion: input.expectedVersion },
    );
    return toChange(questionId, result.state, result.version);
  }

  async retire(context: CommandContext, input: RetireQuestionInput): Promise<QuestionChange> {
    this.access.requireRole(context.actor, 'admin');
    const result = await this.executor.execute<QuestionBankState>(
      context,
      {
        type: 'RetireQuestion',
        data: { questionId: input.questionId, at: context.now.toISOString() },
      },
      { expectedVersion: input.expectedVersion },
    );
    return toChange(input.questionId, result.state, result.version);
  }
}

function toChange(questionId: string, state: QuestionBankState, version: number): QuestionChange {
  const question = state.questions.find(({ id }) => id === questionId);
  if (!question)
    throw DomainError.notFound(`There is no question with id ${questionId}`, 'questionId');
  return {
    question: { ...question, retired: state.retiredIds.has(questionId) },
    questionBank: toQuestionBank(state, version),
  };
}

export function toQuestionBank(state: QuestionBankState, version: number): QuestionBank {
  const active = activeQuestions(state);
  return {
    themes: questionThemes.map((theme) => ({
      theme,
      questions: active
        .filter((question) => question.theme === theme)
        .map((question) => ({ ...question, retired: false })),
    })),
    version,
  };
}
