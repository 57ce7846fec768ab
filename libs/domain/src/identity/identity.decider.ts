import { normalizeInstant } from '../shared/dates';
import { type Decider } from '../shared/decider';
import { DomainError } from '../shared/domain-error';
import { firstError, requireInstant, requireText } from '../shared/validation';
import { type IdentityCommand, type LinkIdentity } from './identity.commands';
import { type IdentityEvent, identityRoles } from './identity.events';

/** The provider accounts of one person: at most one per issuer. */
export interface IdentityState {
  links: readonly { issuer: string; subject: string }[];
}

// OpenID Connect Core §2: a subject is at most 255 ASCII characters.
const MAX_SUBJECT = 255;

export const identityDecider: Decider<IdentityCommand, IdentityEvent, IdentityState> = {
  decide(command, state) {
    switch (command.type) {
      case 'LinkIdentity':
        return link(command, state);
      default: {
        const _exhaustive: never = command.type;
        return _exhaustive;
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'IdentityLinked':
        return {
          links: [
            ...state.links,
            { issuer: event.data.issuer, subject: event.data.personal.subject },
          ],
        };
      default: {
        const _exhaustive: never = event.type;
        return _exhaustive;
      }
    }
  },

  initialState: () => ({ links: [] }),
};

function link({ data }: LinkIdentity, state: IdentityState): IdentityEvent[] | DomainError {
  const error = firstError(
    requireText(data.personId, 'personId', 'The person'),
    identityRoles.includes(data.role)
      ? undefined
      : DomainError.validation('The role must be student, advisor or admin', 'role'),
    requireText(data.issuer, 'issuer', 'The issuer', 500),
    requireText(data.personal.subject, 'subject', 'The subject', MAX_SUBJECT),
    requireInstant(data.at, 'at', 'The time of the sign-in'),
  );
  if (error) return error;
  const existing = state.links.find((l) => l.issuer === data.issuer);
  if (existing?.subject === data.personal.subject) return [];
  // Taking over a person from a second account would let whoever controls it act as them.
  if (existing)
    return DomainError.alreadyExists(
      'This person already signs in with another account of the same provider',
    );
  return [
    {
      type: 'IdentityLinked',
      data: {
        personId: data.personId,
        role: data.role,
        issuer: data.issuer,
        matchedBy: data.matchedBy,
        at: normalizeInstant(data.at),
        personal: { subject: data.personal.subject, email: data.personal.email },
      },
    },
  ];
}
