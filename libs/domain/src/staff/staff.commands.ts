import { type StaffRole } from '../advisor-notes/advisor-notes.events';
import { type ErasureReason } from '../privacy/erasure';
import { type Command } from '../shared/decider';

export type InviteStaff = Command<
  'InviteStaff',
  {
    staffId: string;
    /** Names the invitation message, so it is queued once. */
    invitationId: string;
    role: StaffRole;
    /**
     * Whether a staff member of the institution who is not deactivated already has this email:
     * the service looks it up before deciding, as one staff stream cannot see the others.
     */
    emailInUse: boolean;
    at: string;
    personal: { name: string; email: string };
  }
>;

export type ResendStaffInvitation = Command<
  'ResendStaffInvitation',
  { staffId: string; invitationId: string; at: string }
>;

/** Recorded by sign-in on the staff member's first sign-in. */
export type ActivateStaff = Command<'ActivateStaff', { staffId: string; at: string }>;

export type DeactivateStaff = Command<
  'DeactivateStaff',
  {
    staffId: string;
    /** The acting staff member's id: nobody deactivates themselves. */
    deactivatedBy: string;
    at: string;
  }
>;

/** Erases the staff member (admins); erasing again records nothing. */
export type EraseStaffMember = Command<
  'EraseStaffMember',
  {
    staffId: string;
    /** The acting admin's id: nobody erases themselves. */
    erasedBy: string;
    reason: ErasureReason;
    at: string;
  }
>;

export type StaffCommand =
  InviteStaff | ResendStaffInvitation | ActivateStaff | DeactivateStaff | EraseStaffMember;
