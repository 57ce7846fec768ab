import { Module } from '@nestjs/common';
import { InstitutionModule } from '../institution/institution.module';
import { DemoSeedService } from './demo-seed.service';

@Module({ imports: [InstitutionModule], providers: [DemoSeedService], exports: [DemoSeedService] })
export class DemoModule {}
