import { Global, Module } from '@nestjs/common';
import { PersonMatchers } from './person-matcher';

/** Sign-in through each institution's own OpenID provider (issue #14). */
@Global()
@Module({ providers: [PersonMatchers], exports: [PersonMatchers] })
export class IdentityModule {}
