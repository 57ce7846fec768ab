import { type Event } from '../shared/decider';
import { type InstitutionSettings, type InstitutionSettingKey } from './institution.settings';

// The institution is the tenant itself: nothing here is personal data, so no `personal` part.

export type InstitutionRegistered = Event<
  'InstitutionRegistered',
  {
    name: string;
    slug: string;
    timeZone: string;
    settings: InstitutionSettings;
    at: string;
  }
>;

/** Carries the whole new settings so read models can replace rather than fold. */
export type InstitutionSettingsChanged = Event<
  'InstitutionSettingsChanged',
  {
    timeZone: string;
    settings: InstitutionSettings;
    /** Which of `timeZone` and the settings keys actually changed, for audit views. */
    changed: (InstitutionSettingKey | 'timeZone')[];
    at: string;
  }
>;

export type InstitutionRenamed = Event<
  'InstitutionRenamed',
  { name: string; previousName: string; at: string }
>;

/** The OpenID provider whose tokens sign people of this institution in, replacing any earlier one. */
export type IdentityProviderSet = Event<
  'IdentityProviderSet',
  {
    issuer: string;
    audience: string;
    emailClaim: string;
    externalIdClaim: string | null;
    /** The issuer it replaces, if any (its tokens stop working). */
    previousIssuer: string | null;
    at: string;
  }
>;

/**
 * The daily retention job ran for `day` (the institution's UTC day) and erased these students
 * (ids only): once per institution and day, so an audit shows every run and what it did.
 */
export type RetentionSweepCompleted = Event<
  'RetentionSweepCompleted',
  { day: string; erasedStudentIds: string[]; at: string }
>;

export type InstitutionEvent =
  | InstitutionRegistered
  | InstitutionSettingsChanged
  | InstitutionRenamed
  | IdentityProviderSet
  | RetentionSweepCompleted;

export type InstitutionEventType = InstitutionEvent['type'];

export const InstitutionEventSchemaVersions: Record<InstitutionEventType, number> = {
  InstitutionRegistered: 1,
  InstitutionSettingsChanged: 1,
  InstitutionRenamed: 1,
  IdentityProviderSet: 1,
  RetentionSweepCompleted: 1,
};
