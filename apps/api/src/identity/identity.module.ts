import { Global, Module, type OnModuleInit } from '@nestjs/common';
import { IdentityRepository } from './identity.repository';
import { PersonMatchers } from './person-matcher';
import { SignIn } from './sign-in.service';
import { StudentMatcher } from './student-matcher';

/** Sign-in through each institution's own OpenID provider (issue #14, docs/adr/0015). */
@Global()
@Module({
  providers: [PersonMatchers, IdentityRepository, StudentMatcher, SignIn],
  exports: [PersonMatchers, SignIn],
})
export class IdentityModule implements OnModuleInit {
  constructor(
    private readonly matchers: PersonMatchers,
    private readonly students: StudentMatcher,
  ) {}

  onModuleInit(): void {
    this.matchers.register(this.students);
  }
}
