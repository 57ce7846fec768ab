import type { INestApplication } from '@nestjs/common';
import { type Database, type NewEvent, Tenants } from '@rapport/event-store';
import { TokenService } from '../../apps/api/src/auth/token.service';
import { InstitutionService } from '../../apps/api/src/institution/institution.service';
import { randomUUID } from 'node:crypto';

export async function newTenant(database: Database, slug = `t-${randomUUID().slice(0, 8)}`) {
  return new Tenants(database).create({ slug, name: `Institution ${slug}` });
}

export function newEvent(type = 'Tested', data: Record<string, unknown> = {}): NewEvent {
  return { eventId: randomUUID(), type, data };
}

/** An institution registered the way the operator CLI does it, with an admin token. */
export async function newInstitution(
  t: { app: INestApplication },
  overrides: { slug?: string; name?: string; timeZone?: string } = {},
) {
  const slug = overrides.slug ?? `inst-${randomUUID().slice(0, 8)}`;
  const institution = await t.app.get(InstitutionService).register({
    slug,
    name: overrides.name ?? `Institution ${slug}`,
    timeZone: overrides.timeZone ?? 'America/Chicago',
  });
  const tokens = t.app.get(TokenService);
  return {
    ...institution,
    adminToken: await tokens.sign({
      subject: `admin-${slug}`,
      tenantId: institution.tenantId,
      role: 'admin',
    }),
    advisorToken: (advisorId: string) =>
      tokens.sign({ subject: advisorId, tenantId: institution.tenantId, role: 'advisor' }),
    studentToken: (studentId: string) =>
      tokens.sign({
        subject: `user-${studentId}`,
        tenantId: institution.tenantId,
        role: 'student',
        studentId,
      }),
  };
}
