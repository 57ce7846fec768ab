import { normalizeInstant } from '../shared/dates';
import { type Decider } from '../shared/decider';
import { DomainError } from '../shared/domain-error';
import {
  canonicalTimeZone,
  firstError,
  requireInstant,
  requireIntegerInRange,
  requireText,
  type Check,
} from '../shared/validation';
import {
  type ChangeInstitutionSettings,
  type InstitutionCommand,
  type RegisterInstitution,
  type RenameInstitution,
  type SetIdentityProvider,
} from './institution.commands';
import { type InstitutionEvent } from './institution.events';
import {
  defaultInstitutionSettings,
  institutionSettingKeys,
  institutionSettingRanges,
  type InstitutionSettingKey,
  type InstitutionSettings,
} from './institution.settings';

export type InstitutionState =
  | { status: 'unregistered' }
  | {
      status: 'registered';
      name: string;
      slug: string;
      timeZone: string;
      settings: InstitutionSettings;
      /** Absent in states stored before providers existed: none configured. */
      identityProvider?: IdentityProviderConfig | null;
    };

/** How the institution's own OpenID provider signs its people in. */
export interface IdentityProviderConfig {
  issuer: string;
  audience: string;
  emailClaim: string;
  externalIdClaim: string | null;
}

const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){1,62}$/;

export const institutionDecider: Decider<InstitutionCommand, InstitutionEvent, InstitutionState> = {
  decide(command, state) {
    switch (command.type) {
      case 'RegisterInstitution':
        return register(command, state);
      case 'ChangeInstitutionSettings':
        return changeSettings(command, state);
      case 'RenameInstitution':
        return rename(command, state);
      case 'SetIdentityProvider':
        return setIdentityProvider(command, state);
      default: {
        const _exhaustive: never = command;
        return _exhaustive;
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'InstitutionRegistered': {
        const { name, slug, timeZone } = event.data;
        // Settings added later (retention) read as their defaults in events recorded before them.
        const settings = { ...defaultInstitutionSettings, ...event.data.settings };
        return { status: 'registered', name, slug, timeZone, settings };
      }
      case 'InstitutionSettingsChanged':
        if (state.status !== 'registered') return state;
        return {
          ...state,
          timeZone: event.data.timeZone,
          settings: { ...defaultInstitutionSettings, ...event.data.settings },
        };
      case 'RetentionSweepCompleted':
        return state;
      case 'InstitutionRenamed':
        if (state.status !== 'registered') return state;
        return { ...state, name: event.data.name };
      case 'IdentityProviderSet': {
        if (state.status !== 'registered') return state;
        const { issuer, audience, emailClaim, externalIdClaim } = event.data;
        return { ...state, identityProvider: { issuer, audience, emailClaim, externalIdClaim } };
      }
      default: {
        const _exhaustive: never = event;
        return _exhaustive;
      }
    }
  },

  initialState: () => ({ status: 'unregistered' }),
};

function register(
  { data }: RegisterInstitution,
  state: InstitutionState,
): InstitutionEvent[] | DomainError {
  if (state.status === 'registered') {
    return DomainError.alreadyExists(`The institution is already registered as "${state.name}"`);
  }
  const timeZone = canonicalTimeZone(data.timeZone);
  if (timeZone === null) return unknownTimeZone(data.timeZone);
  const settings = mergeSettings(defaultInstitutionSettings, data.settings);
  const error = firstError(
    requireText(data.name, 'name', 'The institution name'),
    SLUG_PATTERN.test(data.slug)
      ? undefined
      : DomainError.validation(
          'The slug must be 2-63 lower-case letters, digits or single hyphens, e.g. "state-u"',
          'slug',
        ),
    checkSettings(settings),
    requireInstant(data.at, 'at', 'The registration time'),
  );
  if (error) return error;
  return [
    {
      type: 'InstitutionRegistered',
      data: {
        name: data.name.trim(),
        slug: data.slug,
        timeZone,
        settings,
        at: normalizeInstant(data.at),
      },
    },
  ];
}

function changeSettings(
  { data }: ChangeInstitutionSettings,
  state: InstitutionState,
): InstitutionEvent[] | DomainError {
  if (state.status !== 'registered') return notRegistered();
  const timeZone = data.timeZone == null ? state.timeZone : canonicalTimeZone(data.timeZone);
  if (timeZone === null) return unknownTimeZone(data.timeZone ?? '');
  const settings = mergeSettings(state.settings, data.settings);
  const error = firstError(
    checkSettings(settings),
    requireInstant(data.at, 'at', 'The time of the change'),
  );
  if (error) return error;
  const changed: (InstitutionSettingKey | 'timeZone')[] = [
    ...(timeZone !== state.timeZone ? (['timeZone'] as const) : []),
    ...institutionSettingKeys.filter((key) => settings[key] !== state.settings[key]),
  ];
  // Re-sending the current values is harmless and records nothing.
  if (changed.length === 0) return [];
  return [
    {
      type: 'InstitutionSettingsChanged',
      data: { timeZone, settings, changed, at: normalizeInstant(data.at) },
    },
  ];
}

function rename(
  { data }: RenameInstitution,
  state: InstitutionState,
): InstitutionEvent[] | DomainError {
  if (state.status !== 'registered') return notRegistered();
  const error = firstError(
    requireText(data.name, 'name', 'The institution name'),
    requireInstant(data.at, 'at', 'The time of the change'),
  );
  if (error) return error;
  const name = data.name.trim();
  if (name === state.name) return [];
  return [
    {
      type: 'InstitutionRenamed',
      data: { name, previousName: state.name, at: normalizeInstant(data.at) },
    },
  ];
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
// A claim name is a JSON member name; URLs are common (`https://example.edu/claims/id`).
const CLAIM_NAME = /^[\x21-\x7e]{1,200}$/;

function setIdentityProvider(
  { data }: SetIdentityProvider,
  state: InstitutionState,
): InstitutionEvent[] | DomainError {
  if (state.status !== 'registered') return notRegistered();
  const issuer = data.issuer.trim();
  const audience = data.audience.trim();
  const emailClaim = data.emailClaim?.trim() || 'email';
  const externalIdClaim = data.externalIdClaim?.trim() || null;
  const error = firstError(
    checkIssuer(issuer, data.allowLoopbackHttp),
    requireText(
      audience,
      'audience',
      'The audience (the `aud` your provider puts in tokens for Rapport)',
      500,
    ),
    checkClaimName(emailClaim, 'emailClaim', 'The email claim'),
    externalIdClaim === null
      ? undefined
      : checkClaimName(externalIdClaim, 'externalIdClaim', 'The external id claim'),
    requireInstant(data.at, 'at', 'The time of the change'),
  );
  if (error) return error;
  const current = state.identityProvider ?? null;
  if (
    current?.issuer === issuer &&
    current.audience === audience &&
    current.emailClaim === emailClaim &&
    current.externalIdClaim === externalIdClaim
  )
    return [];
  return [
    {
      type: 'IdentityProviderSet',
      data: {
        issuer,
        audience,
        emailClaim,
        externalIdClaim,
        previousIssuer: current?.issuer ?? null,
        at: normalizeInstant(data.at),
      },
    },
  ];
}

/** The issuer is compared with `iss` as a string and names where discovery is fetched from. */
function checkIssuer(issuer: string, allowLoopbackHttp: boolean): Check {
  const invalid = DomainError.validation(
    'The issuer must be an https URL without query or fragment, exactly as your provider writes it in `iss` (e.g. https://login.example.edu)',
    'issuer',
  );
  if (issuer.length === 0 || issuer.length > 500) return invalid;
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return invalid;
  }
  if (url.search || url.hash || issuer.includes('#') || url.username || url.password)
    return invalid;
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) {
    return allowLoopbackHttp
      ? undefined
      : DomainError.validation(
          "A plain-http issuer on loopback is for development only; use your provider's https URL",
          'issuer',
        );
  }
  return invalid;
}

function checkClaimName(value: string, field: string, label: string): Check {
  return CLAIM_NAME.test(value)
    ? undefined
    : DomainError.validation(`${label} must be a claim name of 1-200 visible characters`, field);
}

function notRegistered(): DomainError {
  return DomainError.notFound('The institution has not been registered yet');
}

function unknownTimeZone(given: string): DomainError {
  return DomainError.validation(
    `"${given}" is not a known IANA time zone (e.g. America/New_York)`,
    'timeZone',
  );
}

/** Overlays the given keys; absent, undefined or null values (GraphQL omits) keep the base. */
function mergeSettings(
  base: InstitutionSettings,
  patch: Partial<InstitutionSettings> | undefined,
): InstitutionSettings {
  const merged: Record<InstitutionSettingKey, number> = { ...base };
  for (const key of institutionSettingKeys) {
    const value = patch?.[key] as number | null | undefined;
    if (value !== undefined && value !== null) merged[key] = value;
  }
  return merged;
}

function checkSettings(settings: InstitutionSettings): Check {
  for (const key of institutionSettingKeys) {
    const { min, max, label } = institutionSettingRanges[key];
    const error = requireIntegerInRange(settings[key], `settings.${key}`, label, min, max);
    if (error) return error;
  }
  if (settings.interviewStretchTarget < settings.interviewTarget) {
    return DomainError.validation(
      'The stretch target must be at least the interview target (e.g. 3 and 5)',
      'settings.interviewStretchTarget',
    );
  }
  return undefined;
}
