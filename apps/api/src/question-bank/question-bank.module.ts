import { Module } from '@nestjs/common';
import { QuestionBankResolver } from './question-bank.resolver';

@Module({ providers: [QuestionBankResolver] })
export class QuestionBankModule {}
