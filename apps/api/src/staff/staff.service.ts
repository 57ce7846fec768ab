import { Inject, Injectable } from '@nestjs/common';
import {
  DomainError,
  type InstitutionState,
  normalizeEmail,
  type DomainEvent,
  type StaffState,
  streamIds,
} from '@rapport/domain';
import { Database, type Tx } from '@rapport/event-store';
import { renderStaffInvitation } from '@rapport/notifications';
import { AccessService } from '../access/access.service';
import { APP_CONFIG } from '../app-config.token';
import type { Actor } from '../auth/actor';
import type { AppConfig } from '../config/app-config';
import { type ConnectionShape, pageInMemory, type PageArgs } from '../common/connection';
import { deterministicUuid, newId } from '../common/ids';
import { DigestRepository } from '../digest/digest.repository';
import type { MatchedPerson, PersonClaims, PersonMatcher } from '../identity/person-matcher';
import { AggregateStatesRepository } from '../write/aggregate-states.repository';
import type { CommandContext } from '../write/command-context';
import { CommandExecutor } from '../write/command-executor';
import type { DeactivateStaffInput, InviteStaffInput, StaffMemberInput } from './dto/staff.inputs';
import type { StaffMember } from './dto/staff.model';
import { StaffRepository } from './staff.repository';

type Existing = Exclude<StaffState, { status: 'none' }>;

/**
 * Advisors and admins of an institution (docs/adr/0016): admins invite them (the invitation
 * mail is queued in the same transaction as the event, once per invitation), list and
 * deactivate them; sign-in finds them by verified email and activates them.
 */
@Injectable()
export class StaffService implements PersonMatcher {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly database: Database,
    private readonly executor: CommandExecutor,
    private readonly states: AggregateStatesRepository,
    private readonly access: AccessService,
    private readonly repository: StaffRepository,
    private readonly outbox: DigestRepository,
  ) {}

  async invite(context: CommandContext, input: InviteStaffInput): Promise<StaffMember> {
    this.access.requireRole(context.actor, 'admin');
    const staffId = newId(context, 'staff');
    const email = normalizeEmail(input.email);
    return this.executor.transaction(context.actor.tenantId, async (tx) => {
      await this.repository.lockEmail(tx, email);
      const holders = await this.repository.withEmail(tx, email);
      const result = await this.executor.execute<StaffState>(
        context,
        {
          type: 'InviteStaff',
          data: {
            staffId,
            invitationId: newId(context, 'staff-invitation'),
            role: input.role,
            emailInUse: holders.some((h) => h.staffId !== staffId),
            at: context.now.toISOString(),
            personal: { name: input.name, email: input.email },
          },
        },
        { expectedVersion: input.expectedVersion, tx },
      );
      await this.queueInvitations(tx, result.events, result.state);
      return toStaffMember(existing(result.state), result.version);
    });
  }

  /**
   * The operator's invitation (`institution:create --admin-email`, `staff:invite`): how an
   * institution's first admin arrives before anyone there can sign in. Running it again for the
   * same address lands on the same staff member instead of inviting a twin.
   */
  inviteAsOperator(tenantId: string, input: InviteStaffInput, now = new Date()) {
    const email = normalizeEmail(input.email);
    // Metadata carries ids only: the address goes in hashed with the tenant, never as text.
    const correlationId = deterministicUuid(`${tenantId}|operator-invite|${email}`);
    return this.invite(
      {
        actor: { subject: 'operator', tenantId, role: 'admin' },
        correlationId,
        clientMutationId: `operator-invite-${correlationId}`,
        now,
      },
      input,
    );
  }

  /** A new message under a new invitation id; the earlier one's link keeps working too. */
  async resendInvitation(context: CommandContext, input: StaffMemberInput): Promise<StaffMember> {
    this.access.requireRole(context.actor, 'admin');
    return this.executor.transaction(context.actor.tenantId, async (tx) => {
      const result = await this.executor.execute<StaffState>(
        context,
        {
          type: 'ResendStaffInvitation',
          data: {
            staffId: input.staffId,
            invitationId: newId(context, 'staff-invitation'),
            at: context.now.toISOString(),
          },
        },
        { expectedVersion: input.expectedVersion, tx },
      );
      await this.queueInvitations(tx, result.events, result.state);
      return toStaffMember(existing(result.state), result.version);
    });
  }

  async deactivate(context: CommandContext, input: DeactivateStaffInput): Promise<StaffMember> {
    this.access.requireRole(context.actor, 'admin');
    const result = await this.executor.execute<StaffState>(
      context,
      {
        type: 'DeactivateStaff',
        data: {
          staffId: input.staffId,
          deactivatedBy: context.actor.subject,
          at: context.now.toISOString(),
        },
      },
      { expectedVersion: input.expectedVersion },
    );
    return toStaffMember(existing(result.state), result.version);
  }

  /** Admins: everyone, deactivated members included, by name. */
  async list(actor: Actor, page: PageArgs): Promise<ConnectionShape<StaffMember>> {
    this.access.requireRole(actor, 'admin');
    const stored = await this.states.list<StaffState>(actor.tenantId, 'staff');
    const members = stored
      .filter((s) => s.state.status !== 'none')
      .map((s) => toStaffMember(s.state as Existing, s.version))
      .sort((a, b) => a.name.localeCompare(b.name, 'en') || a.id.localeCompare(b.id));
    return pageInMemory(members, page, (m) => m.id);
  }

  /**
   * For sign-in: the staff member's first sign-in makes them active; later ones record nothing.
   * Throws a FORBIDDEN DomainError for a deactivated member and NOT_FOUND for an unknown id.
   */
  async activateOnSignIn(tenantId: string, staffId: string, at: Date): Promise<void> {
    const { state } = await this.executor.load<StaffState>(tenantId, streamIds.staff(staffId));
    const member = existing(state);
    await this.executor.execute(
      {
        actor: { subject: staffId, tenantId, role: member.role },
        correlationId: deterministicUuid(
          `${tenantId}|staff-sign-in|${staffId}|${at.toISOString()}`,
        ),
        now: at,
      },
      { type: 'ActivateStaff', data: { staffId, at: at.toISOString() } },
    );
  }

  /** Whether the id names a staff member who may use Rapport: invited or active, not deactivated. */
  async isActive(tenantId: string, staffId: string): Promise<boolean> {
    const stored = await this.states.find<StaffState>(tenantId, streamIds.staff(staffId));
    return stored?.state.status === 'invited' || stored?.state.status === 'active';
  }

  /** The sign-in contract: a staff member's first linked sign-in makes them active. */
  async linked(tenantId: string, person: MatchedPerson, at: Date): Promise<void> {
    if (person.role !== 'student') await this.activateOnSignIn(tenantId, person.personId, at);
  }

  /** The sign-in contract (PersonMatchers): staff who are not deactivated, by verified email. */
  async match(tenantId: string, claims: PersonClaims): Promise<MatchedPerson[]> {
    if (!claims.verifiedEmail) return [];
    const email = normalizeEmail(claims.verifiedEmail);
    const found = await this.database.withTenant(tenantId, (tx) =>
      this.repository.withEmail(tx, email),
    );
    return found.map(({ staffId, role }) => ({ role, personId: staffId }));
  }

  private async queueInvitations(tx: Tx, events: DomainEvent[], state: StaffState): Promise<void> {
    const member = existing(state);
    for (const event of events) {
      if (event.type !== 'StaffInvited' && event.type !== 'StaffInvitationResent') continue;
      if (!member.personal.email) continue;
      const { invitationId } = event.data;
      const institution = await this.executor.load<InstitutionState>(
        tx.tenantId!,
        streamIds.institution(),
        tx,
      );
      const message = renderStaffInvitation({
        institutionName:
          institution.state.status === 'registered' ? institution.state.name : 'Rapport',
        staffName: member.personal.name,
        role: member.role,
        email: member.personal.email,
        appUrl: this.config.mail.appUrl,
      });
      // One message per invitation: its id is derived from it.
      await this.outbox.insertMessage(tx, {
        kind: 'staff_invitation',
        recipientKind: 'staff',
        recipientId: member.staffId,
        messageId: deterministicUuid(
          `${tx.tenantId}|staff_invitation|${member.staffId}|${invitationId}`,
        ),
        to: member.personal.email,
        ...message,
      });
    }
  }
}

function existing(state: StaffState): Existing {
  if (state.status === 'none')
    throw DomainError.notFound('No staff member of this institution has this id', 'staffId');
  return state;
}

function toStaffMember(state: Existing, version: number): StaffMember {
  return {
    id: state.staffId,
    name: state.personal.name,
    email: state.personal.email,
    role: state.role,
    status: state.status,
    invitedAt: new Date(state.invitedAt),
    activatedAt: state.activatedAt ? new Date(state.activatedAt) : null,
    deactivatedAt: state.deactivatedAt ? new Date(state.deactivatedAt) : null,
    version,
  };
}
