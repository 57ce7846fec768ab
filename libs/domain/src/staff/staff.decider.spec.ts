import { DomainErrorCode } from '../shared/domain-error';
import { deciderSpec } from '../testing/decider-spec';
import { checkAssignableStaff, staffDecider } from './staff.decider';
import {
  type StaffActivated,
  type StaffDeactivated,
  type StaffInvitationResent,
  type StaffInvited,
} from './staff.events';
import { type InviteStaff } from './staff.commands';

const spec = deciderSpec(staffDecider);
const at = '2026-09-01T12:00:00.000Z';
const staffId = 'st-1';

const invite: InviteStaff = {
  type: 'InviteStaff',
  data: {
    staffId,
    invitationId: 'inv-1',
    role: 'advisor',
    emailInUse: false,
    at,
    personal: { name: ' Maria Lopez ', email: ' Maria.Lopez@Uni.edu ' },
  },
};
const invited: StaffInvited = {
  type: 'StaffInvited',
  data: {
    staffId,
    role: 'advisor',
    invitationId: 'inv-1',
    at,
    personal: { name: 'Maria Lopez', email: 'maria.lopez@uni.edu' },
  },
};
const activated: StaffActivated = { type: 'StaffActivated', data: { staffId, at } };
const deactivated: StaffDeactivated = { type: 'StaffDeactivated', data: { staffId, at } };

describe('staff decider', () => {
  describe('InviteStaff', () => {
    it('invites with a trimmed name and a normalised email', () => {
      spec.given([]).when(invite).then([invited]);
    });

    it('rejects an email another staff member of the institution still has', () => {
      spec
        .given([])
        .when({ ...invite, data: { ...invite.data, emailInUse: true } })
        .thenError(DomainErrorCode.ALREADY_EXISTS, { field: 'email', message: 'already has' });
    });

    it('rejects a missing name, a bad email and an unknown role', () => {
      const personal = { name: 'Ann', email: 'ann@uni.edu' };
      spec
        .given([])
        .when({ ...invite, data: { ...invite.data, personal: { ...personal, name: ' ' } } })
        .thenError(DomainErrorCode.VALIDATION, { field: 'name' });
      spec
        .given([])
        .when({ ...invite, data: { ...invite.data, personal: { ...personal, email: 'ann@' } } })
        .thenError(DomainErrorCode.VALIDATION, { field: 'email' });
      spec
        .given([])
        .when({ ...invite, data: { ...invite.data, role: 'student' as never } })
        .thenError(DomainErrorCode.VALIDATION, { field: 'role' });
    });

    it('rejects inviting the same staff id twice', () => {
      spec.given([invited]).when(invite).thenError(DomainErrorCode.ALREADY_EXISTS);
    });
  });

  describe('ResendStaffInvitation', () => {
    const resend = {
      type: 'ResendStaffInvitation' as const,
      data: { staffId, invitationId: 'inv-2', at },
    };
    const resent: StaffInvitationResent = {
      type: 'StaffInvitationResent',
      data: { staffId, invitationId: 'inv-2', at },
    };

    it('records a new invitation while the member has not signed in', () => {
      spec.given([invited]).when(resend).then([resent]);
      spec
        .given([invited, resent])
        .when({ ...resend, data: { ...resend.data, invitationId: 'inv-3' } })
        .then([{ ...resent, data: { ...resent.data, invitationId: 'inv-3' } }]);
    });

    it('refuses once they signed in or were deactivated, and for nobody', () => {
      spec.given([invited, activated]).when(resend).thenError(DomainErrorCode.INVALID_TRANSITION);
      spec.given([invited, deactivated]).when(resend).thenError(DomainErrorCode.INVALID_TRANSITION);
      spec.given([]).when(resend).thenError(DomainErrorCode.NOT_FOUND, { field: 'staffId' });
    });

    it('refuses a migrated advisor without an email address', () => {
      const withoutEmail: StaffInvited = {
        ...invited,
        data: { ...invited.data, personal: { name: 'adv-1', email: null } },
      };
      spec.given([withoutEmail]).when(resend).thenError(DomainErrorCode.INVALID_TRANSITION);
    });
  });

  describe('ActivateStaff', () => {
    const activate = { type: 'ActivateStaff' as const, data: { staffId, at } };

    it('activates on the first sign-in and records nothing on later ones', () => {
      spec.given([invited]).when(activate).then([activated]);
      spec.given([invited, activated]).when(activate).thenNothing();
    });

    it('keeps a deactivated member out', () => {
      spec.given([invited, deactivated]).when(activate).thenError(DomainErrorCode.FORBIDDEN);
    });
  });

  describe('DeactivateStaff', () => {
    const deactivate = {
      type: 'DeactivateStaff' as const,
      data: { staffId, deactivatedBy: 'admin-1', at },
    };

    it('deactivates invited and active members, once', () => {
      spec.given([invited]).when(deactivate).then([deactivated]);
      spec.given([invited, activated]).when(deactivate).then([deactivated]);
      spec.given([invited, deactivated]).when(deactivate).thenNothing();
    });

    it('does not let an admin deactivate themselves', () => {
      spec
        .given([invited, activated])
        .when({ ...deactivate, data: { ...deactivate.data, deactivatedBy: staffId } })
        .thenError(DomainErrorCode.FORBIDDEN);
    });
  });

  describe('checkAssignableStaff', () => {
    const fold = (events: Parameters<typeof staffDecider.evolve>[1][]) =>
      events.reduce(staffDecider.evolve, staffDecider.initialState());

    it('accepts invited and active members, and nobody else', () => {
      expect(checkAssignableStaff(fold([invited]))).toBeUndefined();
      expect(checkAssignableStaff(fold([invited, activated]))).toBeUndefined();
      expect(checkAssignableStaff(fold([invited, deactivated]))?.code).toBe(
        DomainErrorCode.NOT_FOUND,
      );
      expect(checkAssignableStaff(undefined)?.field).toBe('advisorId');
    });
  });

  describe('EraseStaffMember', () => {
    const erase = (erasedBy = 'admin-1') =>
      ({
        type: 'EraseStaffMember',
        data: { staffId, erasedBy, reason: 'institution', at },
      }) as const;
    const erased = {
      type: 'StaffMemberErased' as const,
      data: { staffId, reason: 'institution' as const, at },
    };

    it('records the erasure once; erasing again records nothing', () => {
      spec.given([invited, activated]).when(erase()).then([erased]);
      spec.given([invited, activated, erased]).when(erase()).thenNothing();
    });

    it('rejects erasing yourself and an unknown staff member', () => {
      spec.given([invited]).when(erase(staffId)).thenError(DomainErrorCode.FORBIDDEN);
      spec.given([]).when(erase()).thenError(DomainErrorCode.NOT_FOUND);
    });

    it('refuses every later command and folds to a deactivated placeholder', () => {
      spec
        .given([invited, erased])
        .when({ type: 'ActivateStaff', data: { staffId, at } })
        .thenError(DomainErrorCode.INVALID_TRANSITION, { message: 'was erased' });
      spec
        .given([invited, erased])
        .when({ type: 'ResendStaffInvitation', data: { staffId, invitationId: 'inv-2', at } })
        .thenError(DomainErrorCode.INVALID_TRANSITION);
      const state = [invited, erased].reduce(
        (s, e) => staffDecider.evolve(s, e),
        staffDecider.initialState(),
      );
      expect(state).toMatchObject({
        status: 'deactivated',
        erased: true,
        personal: { name: 'Erased staff member', email: null },
      });
      expect(checkAssignableStaff(state)).toBeDefined();
    });
  });
});
