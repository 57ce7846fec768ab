import { type Event } from '../shared/decider';

/** Rapport's roles; a link records the one the person had when it was made, never a claim. */
export type IdentityRole = 'student' | 'advisor' | 'admin';
export const identityRoles: readonly IdentityRole[] = ['student', 'advisor', 'admin'];

/** How a first sign-in found the person. */
export type IdentityMatch = 'email' | 'externalId';

/**
 * A provider's account (issuer, subject) now signs in as this person, whatever its email becomes
 * later. The subject and the email it matched on are personal: they stay in `personal`.
 */
export type IdentityLinked = Event<
  'IdentityLinked',
  {
    personId: string;
    role: IdentityRole;
    issuer: string;
    matchedBy: IdentityMatch;
    at: string;
    personal: { subject: string; email: string | null };
  }
>;

export type IdentityEvent = IdentityLinked;

export type IdentityEventType = IdentityEvent['type'];

export const IdentityEventSchemaVersions: Record<IdentityEventType, number> = {
  IdentityLinked: 1,
};
