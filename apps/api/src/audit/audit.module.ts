import { Module } from '@nestjs/common';
import { AuditRepository } from './audit.repository';
import { AuditResolver } from './audit.resolver';
import { AuditService } from './audit.service';

/** The admins' audit log over the institution's events (docs/adr/0026). */
@Module({ providers: [AuditRepository, AuditService, AuditResolver] })
export class AuditModule {}
