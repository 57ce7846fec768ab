import { Module, type OnModuleInit } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { DigestModule } from '../digest/digest.module';
import { PersonMatchers } from '../identity/person-matcher';
import { ActiveStaffGuard } from './active-staff.guard';
import { StaffRepository } from './staff.repository';
import { StaffResolver } from './staff.resolver';
import { StaffService } from './staff.service';

/** Advisors and admins as people of the institution: invitations, the list, deactivation. */
@Module({
  imports: [DigestModule],
  providers: [
    StaffService,
    StaffRepository,
    StaffResolver,
    { provide: APP_GUARD, useClass: ActiveStaffGuard },
  ],
  exports: [StaffService],
})
export class StaffModule implements OnModuleInit {
  constructor(
    private readonly matchers: PersonMatchers,
    private readonly staff: StaffService,
  ) {}

  /** Sign-in finds staff by verified email through the registry. */
  onModuleInit(): void {
    this.matchers.register(this.staff);
  }
}
