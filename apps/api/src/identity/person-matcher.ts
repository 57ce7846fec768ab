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

/**
 * Finds the person a first sign-in belongs to. Each kind of person (students, staff) provides
 * one under PERSON_MATCHERS; sign-in asks them all and refuses an ambiguous answer.
 */
export interface PersonMatcher {
  match(tenantId: string, claims: PersonClaims): Promise<MatchedPerson[]>;
}

export const PERSON_MATCHERS = Symbol('PERSON_MATCHERS');
