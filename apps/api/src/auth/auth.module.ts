import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { IdentityModule } from '../identity/identity.module';
import { AuthClock } from './auth-clock';
import { AuthGuard } from './auth.guard';
import { Authenticator } from './authenticator.service';
import { IssuerDirectory } from './issuer-directory.service';
import { IssuerDirectoryRefresher } from './issuer-directory.refresher';
import { ProviderKeys } from './provider-keys.service';
import { TenantDirectory } from './tenant-directory.service';
import { TokenService } from './token.service';

@Global()
@Module({
  imports: [IdentityModule],
  providers: [
    AuthClock,
    TokenService,
    TenantDirectory,
    IssuerDirectory,
    IssuerDirectoryRefresher,
    ProviderKeys,
    Authenticator,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [AuthClock, TokenService, Authenticator, IssuerDirectory, ProviderKeys],
})
export class AuthModule {}
