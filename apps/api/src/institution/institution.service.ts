import { Inject, Injectable } from '@nestjs/common';
import {
  DomainError,
  type IdentityProviderConfig,
  type InstitutionState,
  institutionDecider,
  isDomainError,
  type RegisterInstitution,
  streamIds,
} from '@rapport/domain';
import { Database, Tenants, type Tx, WORKER_DATABASE } from '@rapport/event-store';
import { AccessService } from '../access/access.service';
import { APP_CONFIG } from '../app-config.token';
import type { Actor } from '../auth/actor';
import { IssuerDirectory } from '../auth/issuer-directory.service';
import type { AppConfig } from '../config/app-config';
import { AggregateStatesRepository } from '../write/aggregate-states.repository';
import type { CommandContext } from '../write/command-context';
import { CommandExecutor } from '../write/command-executor';
import type {
  ChangeInstitutionSettingsInput,
  RenameInstitutionInput,
} from './dto/institution.inputs';
import type { Institution } from './dto/institution.model';
import { IdentityProviderRepository, isIssuerTaken } from './identity-provider.repository';

export interface IdentityProviderInput {
  issuer: string;
  audience: string;
  emailClaim?: string | null;
  externalIdClaim?: string | null;
}

export interface RegisterInstitutionInput {
  name: string;
  slug: string;
  timeZone?: string;
  /** The institution's OpenID provider, registered with it in one transaction. */
  identityProvider?: IdentityProviderInput;
}

export interface RegisteredInstitution {
  tenantId: string;
  slug: string;
  name: string;
  timeZone: string;
  identityProvider: IdentityProviderConfig | null;
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
    private readonly database: Database,
    private readonly tenants: Tenants,
    private readonly executor: CommandExecutor,
    private readonly states: AggregateStatesRepository,
    private readonly access: AccessService,
    private readonly providers: IdentityProviderRepository,
    private readonly issuers: IssuerDirectory,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
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

    const registered = await this.worker
      .withoutTenant(async (tx) => {
        const tenant = await this.tenants.create({ slug: input.slug, name: input.name }, tx);
        await tx.setTenant(tenant.tenantId);
        const context: CommandContext = {
          actor: { subject: 'operator', tenantId: tenant.tenantId, role: 'admin' },
          correlationId: `register-${input.slug}`,
          now,
        };
        let { state } = await this.executor.execute<InstitutionState>(context, command, { tx });
        if (input.identityProvider)
          ({ state } = await this.applyProvider(tx, context, input.identityProvider));
        if (state.status !== 'registered') throw new Error('institution was not registered');
        return {
          tenantId: tenant.tenantId,
          slug: state.slug,
          name: state.name,
          timeZone: state.timeZone,
          identityProvider: state.identityProvider ?? null,
        };
      })
      .catch(issuerTaken);
    if (registered.identityProvider)
      this.issuers.put({
        tenantId: registered.tenantId,
        slug: registered.slug,
        ...registered.identityProvider,
      });
    return registered;
  }

  /**
   * Admins: the institution's OpenID provider. The event and the registry row commit together;
   * an issuer that another institution uses is refused (an issuer names one institution).
   */
  async setIdentityProvider(
    context: CommandContext,
    input: IdentityProviderInput & { expectedVersion?: number },
  ): Promise<Institution> {
    this.access.requireRole(context.actor, 'admin');
    const tenantId = context.actor.tenantId;
    const result = await this.executor
      .transaction(tenantId, (tx) => this.applyProvider(tx, context, input, input.expectedVersion))
      .catch(issuerTaken);
    const institution = toInstitution(tenantId, result.state, result.version);
    if (institution.identityProvider)
      this.issuers.put({ tenantId, slug: institution.slug, ...institution.identityProvider });
    return institution;
  }

  private async applyProvider(
    tx: Tx,
    context: CommandContext,
    input: IdentityProviderInput,
    expectedVersion?: number,
  ) {
    const result = await this.executor.execute<InstitutionState>(
      context,
      {
        type: 'SetIdentityProvider',
        data: {
          issuer: input.issuer,
          audience: input.audience,
          emailClaim: input.emailClaim,
          externalIdClaim: input.externalIdClaim,
          allowLoopbackHttp: !this.config.production,
          at: context.now.toISOString(),
        },
      },
      { tx, expectedVersion },
    );
    const provider = result.state.status === 'registered' ? result.state.identityProvider : null;
    if (result.events.length > 0 && provider) await this.providers.save(tx, provider, context.now);
    return result;
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
    identityProvider: state.identityProvider ? { ...state.identityProvider } : null,
    version,
  };
}

function issuerTaken(error: unknown): never {
  if (isIssuerTaken(error))
    throw DomainError.alreadyExists(
      'This issuer is already the identity provider of another institution; each institution needs its own issuer (ask your provider for a separate tenant or realm)',
      'issuer',
    );
  throw error;
}
