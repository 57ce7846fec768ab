import { type Command } from '../shared/decider';
import { type InstitutionSettings } from './institution.settings';

export type RegisterInstitution = Command<
  'RegisterInstitution',
  {
    name: string;
    /** URL-safe handle: lower-case letters, digits and single hyphens, 2-63 characters. */
    slug: string;
    timeZone: string;
    /** Anything left out takes its value from `defaultInstitutionSettings`. */
    settings?: Partial<InstitutionSettings>;
    at: string;
  }
>;

/** A partial change: only the given keys change, the rest keep their current values. */
export type ChangeInstitutionSettings = Command<
  'ChangeInstitutionSettings',
  { timeZone?: string; settings?: Partial<InstitutionSettings>; at: string }
>;

export type RenameInstitution = Command<'RenameInstitution', { name: string; at: string }>;

export type InstitutionCommand =
  RegisterInstitution | ChangeInstitutionSettings | RenameInstitution;
