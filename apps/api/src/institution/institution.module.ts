import { Module } from '@nestjs/common';
import { InstitutionResolver } from './institution.resolver';
import { IdentityProviderRepository } from './identity-provider.repository';
import { InstitutionService } from './institution.service';

@Module({
  providers: [InstitutionResolver, InstitutionService, IdentityProviderRepository],
  exports: [InstitutionService],
})
export class InstitutionModule {}
