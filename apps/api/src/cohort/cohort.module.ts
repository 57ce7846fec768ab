import { Module } from '@nestjs/common';
import { CohortResolver } from './cohort.resolver';
import { CohortService } from './cohort.service';

@Module({ providers: [CohortResolver, CohortService], exports: [CohortService] })
export class CohortModule {}
