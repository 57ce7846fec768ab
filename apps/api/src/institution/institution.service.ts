import { Inject, Injectable } from '@nestjs/common';
import {
  DomainError,
  type InstitutionState,
  institutionDecider,
  isDomainError,
  type RegisterInstitution,
  streamIds,
} from '@rapport/domain';
import { type Database, Tenants, WORKER_DATABASE } from '@rapport/event-store';
import { AccessService } from '../access/access.service';
import type { Actor } from '../auth/actor';
import { AggregateStatesRepository } from '../write/aggregate-states.repository';
import type { CommandContext } from '../write/command-context';
import { CommandExecutor } from '../write/command-executor';
import type {
  ChangeInstitutionSettingsInput,
  RenameInstitutionInput,
} from './dto/institution.inputs';
import type { Institution } from './dto/institution.model';

export interface RegisterInstitutionInput {
  name: string;
  slug: string;
  timeZone?: string;
}

export interface RegisteredInstitution {
  tenantId: string;
  slug: string;
  name: string;
  timeZone: string;
}

/**
 * Institutions are tenants. Registering one is an operator action (the CLI, demo data): the
 * tenant row and the InstitutionRegistered event commit together or not at all, on the worker
 * connection, the only one allowed to create a tenant.
 */
@Injectable()
export class InstitutionService {
  constructor(
    @Inject(WORKER_DATABASE) private readonly worker: Database,
    private readonly tenants: Tenants,
    private readonly executor: CommandExecutor,
    private readonly states: AggregateStatesRepository,
    private readonly access: AccessService,
  ) {}

  async register(
    input: RegisterInstitutionInput,
    now = new Date(),
  ): Promise<RegisteredInstitution> {
    const command: RegisterInstitution = {
      type: 'RegisterInstitution',
      data: {
        name: input.name,
        slug: input.slug,
        timeZone: input.timeZone ?? 'UTC',
        at: now.toISOString(),
      },
    };
    // Validate before creating anything, so bad input leaves no half-made tenant.
    const decided = institutionDecider.decide(command, institutionDecider.initialState());
    if (isDomainError(decided)) throw decided;

    return this.worker.withoutTenant(async (tx) => {
      const tenant = await this.tenants.create({ slug: input.slug, name: input.name }, tx);
      await tx.setTenant(tenant.tenantId);
      const context: CommandContext = {
        actor: { subject: 'operator', tenantId: tenant.tenantId, role: 'admin' },
        correlationId: `register-${input.slug}`,
        now,
      };
      const { state } = await this.executor.execute<InstitutionState>(context, command, { tx });
      if (state.status !== 'registered') throw new Error('institution was not registered');
      return {
        tenantId: tenant.tenantId,
        slug: state.slug,
        name: state.name,
        timeZone: state.timeZone,
      };
    });
  }

  /** The caller's own institution; every role of the tenant may read it. */
  async get(actor: Actor): Promise<Institution> {
    const stored = await this.states.find<InstitutionState>(
      actor.tenantId,
      streamIds.institution(),
    );
    if (!stored) throw DomainError.notFound('The institution has not been registered yet');
    return toInstitution(actor.tenantId, stored.state, stored.version);
  }

  async changeSettings(
    context: CommandContext,
    input: ChangeInstitutionSettingsInput,
  ): Promise<Institution> {
    this.access.requireRole(context.actor, 'admin');
    const result = await this.executor.execute<InstitutionState>(
      context,
      {
        type: 'ChangeInstitutionSettings',
        data: {
          timeZone: input.timeZone,
          settings: input.settings ? { ...input.settings } : undefined,
          at: context.now.toISOString(),
        },
      },
      { expectedVersion: input.expectedVersion },
    );
    return toInstitution(context.actor.tenantId, result.state, result.version);
  }

  async rename(context: CommandContext, input: RenameInstitutionInput): Promise<Institution> {
    this.access.requireRole(context.actor, 'admin');
    const result = await this.executor.execute<InstitutionState>(
      context,
      { type: 'RenameInstitution', data: { name: input.name, at: context.now.toISOString() } },
      { expectedVersion: input.expectedVersion },
    );
    return toInstitution(context.actor.tenantId, result.state, result.version);
  }
}

export function toInstitution(
  tenantId: string,
  state: InstitutionState,
  version: number,
): Institution {
  if (state.status !== 'registered')
    throw DomainError.notFound('The institution has not been registered yet');
  return {
    id: tenantId,
    name: state.name,
    slug: state.slug,
    timeZone: state.timeZone,
    settings: { ...state.settings },
    version,
  };
}
