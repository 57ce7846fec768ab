import { Injectable } from '@nestjs/common';
import {
  type InstitutionState,
  institutionDecider,
  isDomainError,
  type RegisterInstitution,
} from '@rapport/domain';
import { Database, Tenants } from '@rapport/event-store';
import type { CommandContext } from '../write/command-context';
import { CommandExecutor } from '../write/command-executor';

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
 * tenant row and the InstitutionRegistered event commit together or not at all.
 */
@Injectable()
export class InstitutionService {
  constructor(
    private readonly database: Database,
    private readonly tenants: Tenants,
    private readonly executor: CommandExecutor,
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

    return this.database.withoutTenant(async (tx) => {
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
}
