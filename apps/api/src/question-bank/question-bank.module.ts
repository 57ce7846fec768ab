import { Module } from '@nestjs/common';
import { QuestionBankResolver } from './question-bank.resolver';
import { QuestionBankService } from './question-bank.service';

@Module({ providers: [QuestionBankResolver, QuestionBankService], exports: [QuestionBankService] })
export class QuestionBankModule {}
