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
    };

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
      default: {
        const _exhaustive: never = command;
        return _exhaustive;
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'InstitutionRegistered': {
        const { name, slug, timeZone, settings } = event.data;
        return { status: 'registered', name, slug, timeZone, settings };
      }
      case 'InstitutionSettingsChanged':
        if (state.status !== 'registered') return state;
        return { ...state, timeZone: event.data.timeZone, settings: event.data.settings };
      case 'InstitutionRenamed':
        if (state.status !== 'registered') return state;
        return { ...state, name: event.data.name };
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
