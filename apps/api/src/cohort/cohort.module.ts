import { Module } from '@nestjs/common';
import { CohortResolver } from './cohort.resolver';

@Module({ providers: [CohortResolver] })
export class CohortModule {}
