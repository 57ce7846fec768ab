import { type Command } from '../shared/decider';
import { type IdentityMatch, type IdentityRole } from './identity.events';

/** Links a provider account to the one person its first sign-in matched. */
export type LinkIdentity = Command<
  'LinkIdentity',
  {
    personId: string;
    role: IdentityRole;
    issuer: string;
    matchedBy: IdentityMatch;
    at: string;
    personal: { subject: string; email: string | null };
  }
>;

export type IdentityCommand = LinkIdentity;
