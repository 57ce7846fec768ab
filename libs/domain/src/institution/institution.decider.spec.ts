import { DomainErrorCode } from '../shared/domain-error';
import { deciderSpec } from '../testing/decider-spec';
import { institutionDecider } from './institution.decider';
import { type InstitutionRegistered } from './institution.events';
import { defaultInstitutionSettings } from './institution.settings';

const spec = deciderSpec(institutionDecider);
const at = '2025-01-06T09:00:00.000Z';

const registered: InstitutionRegistered = {
  type: 'InstitutionRegistered',
  data: {
    name: 'State University',
    slug: 'state-u',
    timeZone: 'America/Chicago',
    settings: defaultInstitutionSettings,
    at,
  },
};

describe('institution decider', () => {
  describe('RegisterInstitution', () => {
    it('registers with the guide-derived defaults', () => {
      spec
        .given([])
        .when({
          type: 'RegisterInstitution',
          data: { name: ' State University ', slug: 'state-u', timeZone: 'America/Chicago', at },
        })
        .then([registered]);
    });

    it('canonicalises the time zone, normalises the instant and keeps given settings', () => {
      spec
        .given([])
        .when({
          type: 'RegisterInstitution',
          data: {
            name: 'State University',
            slug: 'state-u',
            timeZone: 'america/chicago',
            settings: { digestHour: 7 },
            at: '2025-01-06T03:00:00-06:00',
          },
        })
        .then([
          {
            ...registered,
            data: {
              ...registered.data,
              settings: { ...defaultInstitutionSettings, digestHour: 7 },
            },
          },
        ]);
    });

    it('rejects a second registration', () => {
      spec
        .given([registered])
        .when({
          type: 'RegisterInstitution',
          data: { name: 'Other', slug: 'other', timeZone: 'UTC', at },
        })
        .thenError(DomainErrorCode.ALREADY_EXISTS);
    });

    it.each([
      [{ name: '  ' }, 'name'],
      [{ slug: 'State U' }, 'slug'],
      [{ slug: '-state' }, 'slug'],
      [{ timeZone: 'Mars/Olympus_Mons' }, 'timeZone'],
      [{ settings: { digestHour: 24 } }, 'settings.digestHour'],
      [{ at: '2025-01-06 09:00' }, 'at'],
    ])('rejects invalid input %j', (override, field) => {
      spec
        .given([])
        .when({
          type: 'RegisterInstitution',
          data: { name: 'State', slug: 'state-u', timeZone: 'UTC', at, ...override },
        })
        .thenError(DomainErrorCode.VALIDATION, { field });
    });
  });

  describe('ChangeInstitutionSettings', () => {
    it('records the full new settings and which keys changed', () => {
      spec
        .given([registered])
        .when({
          type: 'ChangeInstitutionSettings',
          data: { timeZone: 'Europe/Berlin', settings: { thankYouWindowDays: 2 }, at },
        })
        .then([
          {
            type: 'InstitutionSettingsChanged',
            data: {
              timeZone: 'Europe/Berlin',
              settings: { ...defaultInstitutionSettings, thankYouWindowDays: 2 },
              changed: ['timeZone', 'thankYouWindowDays'],
              at,
            },
          },
        ]);
    });

    it('records nothing when the values are unchanged', () => {
      spec
        .given([registered])
        .when({ type: 'ChangeInstitutionSettings', data: { settings: { digestHour: 8 }, at } })
        .thenNothing();
    });

    it('rejects before registration', () => {
      spec
        .given([])
        .when({ type: 'ChangeInstitutionSettings', data: { settings: { digestHour: 9 }, at } })
        .thenError(DomainErrorCode.NOT_FOUND);
    });

    it.each([
      [{ digestHour: -1 }, 'settings.digestHour'],
      [{ digestWeekday: 0 }, 'settings.digestWeekday'],
      [{ digestWeekday: 8 }, 'settings.digestWeekday'],
      [{ nudgeAfterDays: 0 }, 'settings.nudgeAfterDays'],
      [{ stayInTouchDays: 1.5 }, 'settings.stayInTouchDays'],
      [{ requestedMeetingMinutes: 241 }, 'settings.requestedMeetingMinutes'],
      [{ requestedMeetingMinutes: 4 }, 'settings.requestedMeetingMinutes'],
      [{ interviewTarget: 6 }, 'settings.interviewStretchTarget'],
    ])('rejects out-of-range settings %j', (settings, field) => {
      spec
        .given([registered])
        .when({ type: 'ChangeInstitutionSettings', data: { settings, at } })
        .thenError(DomainErrorCode.VALIDATION, { field });
    });

    it('rejects an unknown time zone', () => {
      spec
        .given([registered])
        .when({ type: 'ChangeInstitutionSettings', data: { timeZone: 'Central', at } })
        .thenError(DomainErrorCode.VALIDATION, { field: 'timeZone' });
    });
  });

  describe('RenameInstitution', () => {
    it('renames', () => {
      spec
        .given([registered])
        .when({ type: 'RenameInstitution', data: { name: 'State University of X', at } })
        .then([
          {
            type: 'InstitutionRenamed',
            data: { name: 'State University of X', previousName: 'State University', at },
          },
        ]);
    });

    it('records nothing for the same name', () => {
      spec
        .given([registered])
        .when({ type: 'RenameInstitution', data: { name: 'State University', at } })
        .thenNothing();
    });

    it('rejects an empty name', () => {
      spec
        .given([registered])
        .when({ type: 'RenameInstitution', data: { name: '', at } })
        .thenError(DomainErrorCode.VALIDATION, { field: 'name' });
    });

    it('rejects before registration', () => {
      spec
        .given([])
        .when({ type: 'RenameInstitution', data: { name: 'X', at } })
        .thenError(DomainErrorCode.NOT_FOUND);
    });
  });

  describe('SetIdentityProvider', () => {
    const provider = {
      issuer: 'https://login.state-u.edu',
      audience: 'rapport',
      allowLoopbackHttp: false,
      at,
    };
    const set = {
      type: 'IdentityProviderSet' as const,
      data: {
        issuer: 'https://login.state-u.edu',
        audience: 'rapport',
        emailClaim: 'email',
        externalIdClaim: null,
        previousIssuer: null,
        at,
      },
    };

    it('records the provider with the default email claim', () => {
      spec.given([registered]).when({ type: 'SetIdentityProvider', data: provider }).then([set]);
    });

    it('replaces a provider, naming the issuer it replaces, and keeps claims given', () => {
      spec
        .given([registered, set])
        .when({
          type: 'SetIdentityProvider',
          data: {
            ...provider,
            issuer: 'https://idp.state-u.edu/realms/students',
            emailClaim: 'mail',
            externalIdClaim: 'student_number',
          },
        })
        .then([
          {
            type: 'IdentityProviderSet',
            data: {
              issuer: 'https://idp.state-u.edu/realms/students',
              audience: 'rapport',
              emailClaim: 'mail',
              externalIdClaim: 'student_number',
              previousIssuer: 'https://login.state-u.edu',
              at,
            },
          },
        ]);
    });

    it('records nothing when the provider is unchanged', () => {
      spec
        .given([registered, set])
        .when({ type: 'SetIdentityProvider', data: { ...provider, emailClaim: 'email' } })
        .thenNothing();
    });

    it('allows http on loopback only where the caller allows it (development, tests)', () => {
      const loopback = { ...provider, issuer: 'http://127.0.0.1:4000' };
      spec
        .given([registered])
        .when({ type: 'SetIdentityProvider', data: loopback })
        .thenError(DomainErrorCode.VALIDATION, { field: 'issuer' });
      spec
        .given([registered])
        .when({ type: 'SetIdentityProvider', data: { ...loopback, allowLoopbackHttp: true } })
        .then([{ ...set, data: { ...set.data, issuer: 'http://127.0.0.1:4000' } }]);
    });

    it.each([
      [{ issuer: 'http://login.state-u.edu' }, 'issuer'],
      [{ issuer: 'http://login.state-u.edu', allowLoopbackHttp: true }, 'issuer'],
      [{ issuer: 'login.state-u.edu' }, 'issuer'],
      [{ issuer: 'https://login.state-u.edu/?tenant=1' }, 'issuer'],
      [{ issuer: 'https://login.state-u.edu/#x' }, 'issuer'],
      [{ issuer: 'https://user:pw@login.state-u.edu' }, 'issuer'],
      [{ audience: '  ' }, 'audience'],
      [{ emailClaim: 'e mail' }, 'emailClaim'],
      [{ externalIdClaim: 'x'.repeat(201) }, 'externalIdClaim'],
      [{ at: 'now' }, 'at'],
    ])('rejects %j', (override, field) => {
      spec
        .given([registered])
        .when({ type: 'SetIdentityProvider', data: { ...provider, ...override } })
        .thenError(DomainErrorCode.VALIDATION, { field });
    });

    it('rejects before registration', () => {
      spec
        .given([])
        .when({ type: 'SetIdentityProvider', data: provider })
        .thenError(DomainErrorCode.NOT_FOUND);
    });
  });
});
