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

/** The institution's OpenID provider, replacing any earlier one. */
export type SetIdentityProvider = Command<
  'SetIdentityProvider',
  {
    /** Exactly the `iss` its tokens carry: an https URL. */
    issuer: string;
    /** The `aud` its tokens for Rapport carry. */
    audience: string;
    /** The claim holding the email; used only when `email_verified` is true. Default `email`. */
    emailClaim?: string | null;
    /** The claim holding the institution's own id for the person (student number), if any. */
    externalIdClaim?: string | null;
    /**
     * Development and tests run a provider on loopback over plain http; the caller says whether
     * that is allowed here (never in production).
     */
    allowLoopbackHttp: boolean;
    at: string;
  }
>;

export type InstitutionCommand =
  RegisterInstitution | ChangeInstitutionSettings | RenameInstitution | SetIdentityProvider;
