import { Injectable } from '@nestjs/common';
import { AggregateStatesRepository } from '../write/aggregate-states.repository';
import { IdentityRepository } from './identity.repository';
import type { MatchedPerson, PersonClaims, PersonMatcher } from './person-matcher';

/** A first sign-in is a student enrolled now whose email or external id it carries. */
@Injectable()
export class StudentMatcher implements PersonMatcher {
  constructor(
    private readonly identities: IdentityRepository,
    private readonly states: AggregateStatesRepository,
  ) {}

  async match(tenantId: string, claims: PersonClaims): Promise<MatchedPerson[]> {
    if (!claims.verifiedEmail && !claims.externalId) return [];
    const found = await this.identities.studentsByEmailOrExternalId(
      tenantId,
      claims.verifiedEmail,
      claims.externalId,
    );
    const enrolled = await this.states.enrolledAmong(tenantId, found);
    return found
      .filter((id) => enrolled.has(id))
      .map((personId) => ({ role: 'student' as const, personId }));
  }
}
