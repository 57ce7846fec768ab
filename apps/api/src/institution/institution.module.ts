import { Module } from '@nestjs/common';
import { InstitutionResolver } from './institution.resolver';
import { InstitutionService } from './institution.service';

@Module({ providers: [InstitutionResolver, InstitutionService], exports: [InstitutionService] })
export class InstitutionModule {}
