import { type StaffRole } from '../advisor-notes/advisor-notes.events';
import { type ErasureReason } from '../privacy/erasure';
import { type Event } from '../shared/decider';

export type StaffStatus = 'invited' | 'active' | 'deactivated';
export const staffStatuses: readonly StaffStatus[] = ['invited', 'active', 'deactivated'];

/** Name and email are the staff member's personal data; nothing else about them is. */
export interface StaffPersonal {
  name: string;
  /**
   * Trimmed and lower-cased. Null only for an advisor migrated from a free-string id that was no
   * email address (docs/adr/0016); an invitation always records one.
   */
  email: string | null;
}

/** An admin invited someone (or a migration recorded an existing advisor) as staff. */
export type StaffInvited = Event<
  'StaffInvited',
  { staffId: string; role: StaffRole; invitationId: string; at: string; personal: StaffPersonal }
>;

/** The invitation was sent again: a new message, under a new invitation id. */
export type StaffInvitationResent = Event<
  'StaffInvitationResent',
  { staffId: string; invitationId: string; at: string }
>;

/** The staff member's first sign-in. */
export type StaffActivated = Event<'StaffActivated', { staffId: string; at: string }>;

/** No more sign-ins, and the tokens already issued stop working. */
export type StaffDeactivated = Event<'StaffDeactivated', { staffId: string; at: string }>;

/**
 * The staff member was erased (docs/adr/0025): their data key is destroyed, they read as "Erased
 * staff member", cannot sign in, and nothing more is recorded about them. Ids only.
 */
export type StaffMemberErased = Event<
  'StaffMemberErased',
  { staffId: string; reason: ErasureReason; at: string }
>;

export type StaffEvent =
  StaffInvited | StaffInvitationResent | StaffActivated | StaffDeactivated | StaffMemberErased;

export type StaffEventType = StaffEvent['type'];

export const StaffEventSchemaVersions: Record<StaffEventType, number> = {
  StaffInvited: 1,
  StaffInvitationResent: 1,
  StaffActivated: 1,
  StaffDeactivated: 1,
  StaffMemberErased: 1,
};
