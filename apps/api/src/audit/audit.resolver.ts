import { Args, Query, Resolver } from '@nestjs/graphql';
import type { Actor } from '../auth/actor';
import { CurrentActor } from '../auth/current-actor.decorator';
import { AuditService } from './audit.service';
import { AuditLogArgs } from './dto/audit.inputs';
import { AuditEntry, AuditEntryConnection } from './dto/audit.model';

@Resolver(() => AuditEntry)
export class AuditResolver {
  constructor(private readonly service: AuditService) {}

  @Query(() => AuditEntryConnection, {
    description: 'Admins: who did what to whom and when, newest first; ids and today’s names only',
  })
  auditLog(
    @CurrentActor() actor: Actor,
    @Args() args: AuditLogArgs,
  ): Promise<AuditEntryConnection> {
    return this.service.auditLog(actor, args);
  }
}
