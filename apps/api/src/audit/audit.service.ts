import { Injectable } from '@nestjs/common';
import { ERASED_STAFF_NAME, ERASED_STUDENT_NAME } from '@rapport/domain';
import { AccessService } from '../access/access.service';
import type { Actor } from '../auth/actor';
import {
  type ConnectionShape,
  type CursorKind,
  decodeCursor,
  hasOnlyKeys,
  pageSize,
  toConnection,
} from '../common/connection';
import { auditActionOf, auditedTypesOf } from './audit-actions';
import { AuditRepository, type AuditRow } from './audit.repository';
import type { AuditLogArgs } from './dto/audit.inputs';
import type { AuditEntry } from './dto/audit.model';

/** The audit log pages by the event log's global position, newest first. */
const POSITION_CURSOR: CursorKind<{ position: number }> = {
  is: (value): value is { position: number } =>
    hasOnlyKeys(value, ['position']) &&
    typeof value.position === 'number' &&
    Number.isSafeInteger(value.position) &&
    value.position > 0,
};

/**
 * Who did what to whom and when, for admins: built from the events (ids and plain facts only)
 * and today's records for names, so an erased person reads as erased here too.
 */
@Injectable()
export class AuditService {
  constructor(
    private readonly repository: AuditRepository,
    private readonly access: AccessService,
  ) {}

  async auditLog(actor: Actor, args: AuditLogArgs): Promise<ConnectionShape<AuditEntry>> {
    this.access.requireRole(actor, 'admin');
    const size = pageSize(args.first);
    const after = decodeCursor(args.after, POSITION_CURSOR);
    const filter = args.filter ?? {};
    const rows = await this.repository.page(actor.tenantId, {
      types: auditedTypesOf(filter.actions),
      actorId: filter.actorId,
      subjectId: filter.subjectId,
      from: filter.from,
      to: filter.to,
      before: after?.position ?? null,
      limit: size + 1,
    });
    // The total comes on every row, and alone on a row without an event when the page is empty.
    const total = Number(rows[0]?.total ?? 0);
    const found = rows.filter((r) => r.event_id !== null);
    const positions = new Map(found.map((r) => [r.event_id, Number(r.global_position)]));
    return toConnection(
      found.map((r) => toEntry(actor.tenantId, r)),
      size,
      total,
      (entry) => ({ position: positions.get(entry.id)! }),
      after !== null,
    );
  }
}

function toEntry(tenantId: string, row: AuditRow): AuditEntry {
  const subject =
    row.subject_kind === null || row.subject_id === null
      ? { kind: 'INSTITUTION' as const, id: tenantId, displayName: null }
      : {
          kind: row.subject_kind === 'student' ? ('STUDENT' as const) : ('STAFF_MEMBER' as const),
          id: row.subject_id,
          displayName: row.subject_erased
            ? row.subject_kind === 'student'
              ? ERASED_STUDENT_NAME
              : ERASED_STAFF_NAME
            : row.subject_name,
        };
  return {
    id: row.event_id,
    at: new Date(row.at ?? row.recorded_at),
    recordedAt: row.recorded_at,
    action: auditActionOf(row.type),
    eventType: row.type,
    actor: {
      id: row.actor_id,
      role: row.actor_role,
      displayName:
        row.actor_role === 'system'
          ? 'Rapport'
          : row.actor_erased
            ? row.actor_role === 'student'
              ? ERASED_STUDENT_NAME
              : ERASED_STAFF_NAME
            : row.actor_name,
    },
    subject,
    detail: detailOf(row),
  };
}

function detailOf(row: AuditRow): string | null {
  if (row.changed) return `Changed: ${row.changed.join(', ')}`;
  if (row.erased_count !== null) return `${row.erased_count} students erased`;
  if (row.reason) return `Reason: ${row.reason}`;
  return null;
}
