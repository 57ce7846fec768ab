import { type Database, type NewEvent, Tenants } from '@rapport/event-store';
import { randomUUID } from 'node:crypto';

export async function newTenant(database: Database, slug = `t-${randomUUID().slice(0, 8)}`) {
  return new Tenants(database).create({ slug, name: `Institution ${slug}` });
}

export function newEvent(type = 'Tested', data: Record<string, unknown> = {}): NewEvent {
  return { eventId: randomUUID(), type, data };
}
