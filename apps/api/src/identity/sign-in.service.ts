import { Injectable } from '@nestjs/common';
import { DomainError, DomainErrorCode, type LinkIdentity } from '@rapport/domain';
import { randomUUID } from 'node:crypto';
import type { Actor } from '../auth/actor';
import { AuthError } from '../auth/auth.errors';
import { CommandExecutor } from '../write/command-executor';
import { IdentityRepository, type LinkedPerson } from './identity.repository';
import { type MatchedPerson, type PersonClaims, PersonMatchers } from './person-matcher';

/** A token verified with an institution's own provider: who it is there, not yet in Rapport. */
export interface ProviderIdentity {
  tenantId: string;
  issuer: string;
  subject: string;
  claims: PersonClaims;
}

const NO_CLAIMS =
  "Your institution's sign-in did not share a verified email or an id with Rapport, so it cannot be matched to an enrolled student or a staff member. Ask your institution's IT help desk to release a verified email to Rapport.";
const NOT_FOUND =
  'Rapport found no enrolled student or staff member with the verified email or id of your institution account. Ask your career center to enrol you (or invite you) with the email your institution account uses.';
const AMBIGUOUS =
  'Your institution account matches more than one person in Rapport. Ask your career center to merge or remove the duplicate record.';
const OTHER_ACCOUNT =
  'This person already signs in with another account of your institution. Ask your career center which account to use.';

/**
 * The person behind a provider token: the link made at their first sign-in, or on that first
 * sign-in exactly one person the matchers find, linked from then on (so a later email change at
 * the provider keeps the person). Roles are Rapport's own.
 */
@Injectable()
export class SignIn {
  constructor(
    private readonly identities: IdentityRepository,
    private readonly matchers: PersonMatchers,
    private readonly executor: CommandExecutor,
  ) {}

  async actorFor(identity: ProviderIdentity, correlationId?: string): Promise<Actor> {
    const { tenantId, issuer, subject } = identity;
    const linked =
      (await this.identities.findLink(tenantId, issuer, subject)) ??
      (await this.firstSignIn(identity, correlationId ?? randomUUID()));
    return actorOf(tenantId, linked);
  }

  private async firstSignIn(
    identity: ProviderIdentity,
    correlationId: string,
  ): Promise<LinkedPerson> {
    const { tenantId, issuer, subject, claims } = identity;
    if (!claims.verifiedEmail && !claims.externalId) throw AuthError.notEnrolled(NO_CLAIMS);
    const matches = unique(await this.matchers.match(tenantId, claims));
    if (matches.length === 0) throw AuthError.notEnrolled(NOT_FOUND);
    if (matches.length > 1) throw AuthError.notEnrolled(AMBIGUOUS);
    const [person] = matches;
    const now = new Date();
    const command: LinkIdentity = {
      type: 'LinkIdentity',
      data: {
        personId: person.personId,
        role: person.role,
        issuer,
        matchedBy: claims.verifiedEmail ? 'email' : 'externalId',
        at: now.toISOString(),
        personal: { subject, email: claims.verifiedEmail },
      },
    };
    try {
      await this.executor.execute(
        { actor: actorOf(tenantId, person), correlationId, now },
        command,
      );
    } catch (error) {
      if (error instanceof DomainError && error.code === DomainErrorCode.ALREADY_EXISTS)
        throw AuthError.notEnrolled(OTHER_ACCOUNT);
      throw error;
    }
    await this.matchers.linked(tenantId, person, now);
    // A concurrent first sign-in of the same account may have linked it first: that link wins.
    return (await this.identities.findLink(tenantId, issuer, subject)) ?? person;
  }
}

function actorOf(tenantId: string, person: LinkedPerson | MatchedPerson): Actor {
  return {
    tenantId,
    role: person.role,
    subject: person.personId,
    ...(person.role === 'student' ? { studentId: person.personId } : {}),
  };
}

/** The same person found twice (by email and by id) is one match. */
function unique(matches: MatchedPerson[]): MatchedPerson[] {
  const seen = new Map(matches.map((m) => [`${m.role}\u0000${m.personId}`, m]));
  return [...seen.values()];
}
