import { Injectable } from '@nestjs/common';
import type { Role } from '../auth/actor';

/** What a provider's verified token says about a person, to find them in Rapport's records. */
export interface PersonClaims {
  /** Lower-cased, and only when the provider marked it verified. */
  verifiedEmail: string | null;
  /** The institution's own id for the person (student number, staff number), if configured. */
  externalId: string | null;
}

/** A person of the institution a first sign-in can be linked to; roles are Rapport's own. */
export interface MatchedPerson {
  role: Role;
  /** The student's id for students, the staff member's id for advisors and admins. */
  personId: string;
}

/** Finds the people of one kind (students, staff) a first sign-in could belong to. */
export interface PersonMatcher {
  match(tenantId: string, claims: PersonClaims): Promise<MatchedPerson[]>;
  /** Called once a first sign-in was linked to a person this matcher found (staff become active). */
  linked?(tenantId: string, person: MatchedPerson, at: Date): Promise<void>;
}

/**
 * Every kind of person registers its matcher here when its module starts (`onModuleInit`), so
 * sign-in asks them all without knowing each feature; it refuses an ambiguous answer.
 */
@Injectable()
export class PersonMatchers {
  private readonly matchers: PersonMatcher[] = [];

  register(matcher: PersonMatcher): void {
    this.matchers.push(matcher);
  }

  async match(tenantId: string, claims: PersonClaims): Promise<MatchedPerson[]> {
    const found = await Promise.all(this.matchers.map((m) => m.match(tenantId, claims)));
    return found.flat();
  }

  async linked(tenantId: string, person: MatchedPerson, at: Date): Promise<void> {
    for (const matcher of this.matchers) await matcher.linked?.(tenantId, person, at);
  }
}
