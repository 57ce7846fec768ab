import { createHash, randomUUID } from 'node:crypto';
import type { CommandContext } from '../write/command-context';

/**
 * A new aggregate id. With a clientMutationId it is derived from it, so a retried "create"
 * lands on the same stream and is recognised instead of creating a twin.
 */
export function newId(context: CommandContext, purpose: string): string {
  if (!context.clientMutationId) return randomUUID();
  const hex = createHash('sha256')
    .update(
      [context.actor.tenantId, context.actor.subject, context.clientMutationId, purpose].join(
        '\u0000',
      ),
    )
    .digest('hex');
  return uuidOf(hex, '4', 'a');
}

/** The same uuid for the same key, so a repeated step lands on the same message or record. */
export function deterministicUuid(key: string): string {
  return uuidOf(createHash('sha256').update(key).digest('hex'), '5', 'b');
}

function uuidOf(hex: string, version: string, variant: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${version}${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
