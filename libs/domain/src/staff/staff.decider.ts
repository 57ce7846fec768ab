import { STAFF_ROLES, type StaffRole } from '../advisor-notes/advisor-notes.events';
import { ERASURE_REASONS } from '../privacy/erasure';
import { ERASED_STAFF_NAME } from '../privacy/personal-data';
import { normalizeInstant } from '../shared/dates';
import { type Decider } from '../shared/decider';
import { DomainError } from '../shared/domain-error';
import {
  firstError,
  normalizeEmail,
  requireEmail,
  requireId,
  requireInstant,
  requireOneOf,
  requireText,
} from '../shared/validation';
import {
  type ActivateStaff,
  type DeactivateStaff,
  type EraseStaffMember,
  type InviteStaff,
  type ResendStaffInvitation,
  type StaffCommand,
} from './staff.commands';
import { type StaffEvent, type StaffPersonal, type StaffStatus } from './staff.events';

export type StaffState =
  | { status: 'none' }
  | {
      status: StaffStatus;
      staffId: string;
      role: StaffRole;
      /** The latest invitation: the one its message was queued for. */
      invitationId: string;
      invitedAt: string;
      activatedAt: string | null;
      deactivatedAt: string | null;
      personal: StaffPersonal;
      /** Erased (docs/adr/0025): deactivated for good, with a placeholder name. Absent: not erased. */
      erased?: boolean;
    };

type Existing = Exclude<StaffState, { status: 'none' }>;
type Result = StaffEvent[] | DomainError;

export const staffDecider: Decider<StaffCommand, StaffEvent, StaffState> = {
  decide(command, state) {
    if (command.type === 'InviteStaff') return invite(command, state);
    if (state.status === 'none') {
      return DomainError.notFound('No staff member of this institution has this id', 'staffId');
    }
    if (command.type === 'EraseStaffMember') return erase(command, state);
    if (state.erased) return erasedStaffError(state.staffId);
    switch (command.type) {
      case 'ResendStaffInvitation':
        return resend(command, state);
      case 'ActivateStaff':
        return activate(command, state);
      case 'DeactivateStaff':
        return deactivate(command, state);
      default: {
        const _exhaustive: never = command;
        return _exhaustive;
      }
    }
  },

  evolve(state, event) {
    if (event.type === 'StaffInvited') {
      const { staffId, role, invitationId, at, personal } = event.data;
      return {
        status: 'invited',
        staffId,
        role,
        invitationId,
        invitedAt: at,
        activatedAt: null,
        deactivatedAt: null,
        personal,
      };
    }
    if (state.status === 'none') return state;
    switch (event.type) {
      case 'StaffInvitationResent':
        return { ...state, invitationId: event.data.invitationId };
      case 'StaffActivated':
        return { ...state, status: 'active', activatedAt: event.data.at };
      case 'StaffDeactivated':
        return { ...state, status: 'deactivated', deactivatedAt: event.data.at };
      case 'StaffMemberErased':
        // Erased staff cannot sign in again: deactivated (at the erasure unless earlier).
        return {
          ...state,
          status: 'deactivated',
          deactivatedAt: state.deactivatedAt ?? event.data.at,
          personal: { name: ERASED_STAFF_NAME, email: null },
          erased: true,
        };
      default: {
        const _exhaustive: never = event;
        return _exhaustive;
      }
    }
  },

  initialState: () => ({ status: 'none' }),
};

/** The refusal of any command about an erased staff member: ids only. */
export function erasedStaffError(staffId: string): DomainError {
  return DomainError.invalidTransition(
    `Staff member ${staffId} was erased; nothing more can be recorded about them`,
  );
}

/** Erasing twice records nothing; an admin cannot erase themselves. */
function erase({ data }: EraseStaffMember, state: Existing): Result {
  const error = firstError(
    requireOneOf(data.reason, ERASURE_REASONS, 'reason', 'The erasure reason'),
    requireInstant(data.at, 'at', 'The erasure time'),
  );
  if (error) return error;
  if (data.erasedBy === state.staffId) {
    return DomainError.forbidden('You cannot erase yourself; ask another administrator');
  }
  if (state.erased) return [];
  return [
    {
      type: 'StaffMemberErased',
      data: { staffId: state.staffId, reason: data.reason, at: normalizeInstant(data.at) },
    },
  ];
}

function invite({ data }: InviteStaff, state: StaffState): Result {
  if (state.status !== 'none') {
    return DomainError.alreadyExists('A staff member with this id exists already', 'staffId');
  }
  const error = firstError(
    requireId(data.staffId, 'staffId', 'The staff id'),
    requireId(data.invitationId, 'invitationId', 'The invitation id'),
    requireText(data.personal.name, 'name', 'The name'),
    requireEmail(data.personal.email, 'email'),
    requireOneOf(data.role, STAFF_ROLES, 'role', 'The role'),
    requireInstant(data.at, 'at', 'The invitation time'),
  );
  if (error) return error;
  if (data.emailInUse) {
    return DomainError.alreadyExists(
      'A staff member of this institution already has this email address; deactivate them first or invite another address',
      'email',
    );
  }
  return [
    {
      type: 'StaffInvited',
      data: {
        staffId: data.staffId,
        role: data.role,
        invitationId: data.invitationId,
        at: normalizeInstant(data.at),
        personal: { name: data.personal.name.trim(), email: normalizeEmail(data.personal.email) },
      },
    },
  ];
}

function resend({ data }: ResendStaffInvitation, state: Existing): Result {
  const error = firstError(
    requireId(data.invitationId, 'invitationId', 'The invitation id'),
    requireInstant(data.at, 'at', 'The time of the resend'),
  );
  if (error) return error;
  if (state.status === 'active') {
    return DomainError.invalidTransition(
      'This staff member has signed in already; there is no invitation to resend',
    );
  }
  if (state.status === 'deactivated') {
    return DomainError.invalidTransition(
      'This staff member was deactivated; invite them again instead',
    );
  }
  if (state.personal.email === null) {
    return DomainError.invalidTransition(
      'This staff member has no email address to send an invitation to; invite them with one',
    );
  }
  return [
    {
      type: 'StaffInvitationResent',
      data: {
        staffId: state.staffId,
        invitationId: data.invitationId,
        at: normalizeInstant(data.at),
      },
    },
  ];
}

/** Signing in again records nothing; a deactivated member does not get back in. */
function activate({ data }: ActivateStaff, state: Existing): Result {
  const error = requireInstant(data.at, 'at', 'The sign-in time');
  if (error) return error;
  if (state.status === 'deactivated') {
    return DomainError.forbidden('This staff account was deactivated by an administrator');
  }
  if (state.status === 'active') return [];
  return [
    { type: 'StaffActivated', data: { staffId: state.staffId, at: normalizeInstant(data.at) } },
  ];
}

/** Deactivating twice records nothing; an admin cannot lock themselves out. */
function deactivate({ data }: DeactivateStaff, state: Existing): Result {
  const error = requireInstant(data.at, 'at', 'The deactivation time');
  if (error) return error;
  if (data.deactivatedBy === state.staffId) {
    return DomainError.forbidden('You cannot deactivate yourself; ask another administrator');
  }
  if (state.status === 'deactivated') return [];
  return [
    { type: 'StaffDeactivated', data: { staffId: state.staffId, at: normalizeInstant(data.at) } },
  ];
}

/**
 * Whether a staff member may be given a cohort: invited or active, advisors and admins alike.
 * Checked by the API before AssignAdvisor, whose stream cannot see staff.
 */
export function checkAssignableStaff(state: StaffState | undefined): DomainError | undefined {
  if (!state || state.status === 'none' || state.status === 'deactivated') {
    // The id is not echoed: an old habit was to type an email address here.
    return DomainError.notFound(
      'The advisor must be an invited or active staff member of this institution: pass their staff id (see the staff list), inviting them first if needed',
      'advisorId',
    );
  }
  return undefined;
}
