import { DomainErrorCode } from '../shared/domain-error';
import { deciderSpec } from '../testing/decider-spec';
import { type LinkIdentity } from './identity.commands';
import { identityDecider } from './identity.decider';
import { type IdentityLinked } from './identity.events';

const spec = deciderSpec(identityDecider);
const at = '2026-09-01T09:00:00.000Z';
const issuer = 'https://login.state-u.edu';

const link = (overrides: Partial<LinkIdentity['data']> = {}): LinkIdentity => ({
  type: 'LinkIdentity',
  data: {
    personId: 'student-1',
    role: 'student',
    issuer,
    matchedBy: 'email',
    at,
    personal: { subject: 'sub-1', email: 'ann@state-u.edu' },
    ...overrides,
  },
});

const linked: IdentityLinked = {
  type: 'IdentityLinked',
  data: {
    personId: 'student-1',
    role: 'student',
    issuer,
    matchedBy: 'email',
    at,
    personal: { subject: 'sub-1', email: 'ann@state-u.edu' },
  },
};

describe('identity decider', () => {
  it('links a first account, keeping subject and email personal', () => {
    spec.given([]).when(link()).then([linked]);
  });

  it('records nothing when the same account is linked again (a race of first sign-ins)', () => {
    spec.given([linked]).when(link()).thenNothing();
  });

  it('refuses a second account of the same provider for the same person', () => {
    spec
      .given([linked])
      .when(link({ personal: { subject: 'sub-2', email: 'ann@state-u.edu' } }))
      .thenError(DomainErrorCode.ALREADY_EXISTS);
  });

  it('links an account of another provider too', () => {
    const other = 'https://idp.example.org';
    spec
      .given([linked])
      .when(link({ issuer: other }))
      .then([{ ...linked, data: { ...linked.data, issuer: other } }]);
  });

  it.each([
    [{ personId: '' }, 'personId'],
    [{ role: 'root' as never }, 'role'],
    [{ issuer: ' ' }, 'issuer'],
    [{ personal: { subject: '', email: null } }, 'subject'],
    [{ personal: { subject: 'x'.repeat(256), email: null } }, 'subject'],
    [{ at: 'yesterday' }, 'at'],
  ])('rejects invalid input %j', (override, field) => {
    spec.given([]).when(link(override)).thenError(DomainErrorCode.VALIDATION, { field });
  });
});
