import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { EventStoreError, EventStoreErrorCode } from '../event-store.errors';

/**
 * A sealed `data.personal`: `v1.<ownerId>.<iv>.<ciphertext ‖ tag>` (base64url), AES-256-GCM
 * under the owner's data key, with the tenant, event and owner as associated data so a sealed
 * value copied into another event or tenant does not open (docs/adr/0024).
 */
const PREFIX = 'v1.';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface SealContext {
  tenantId: string;
  eventId: string;
  ownerId: string;
}

// Random IVs drawn from a pool: one call to the CSPRNG per 1,024 seals instead of one each.
const IV_POOL_BYTES = IV_BYTES * 1024;
let ivPool = Buffer.alloc(0);
let ivOffset = 0;

function nextIv(): Buffer {
  if (ivOffset + IV_BYTES > ivPool.length) {
    ivPool = randomBytes(IV_POOL_BYTES);
    ivOffset = 0;
  }
  const iv = ivPool.subarray(ivOffset, ivOffset + IV_BYTES);
  ivOffset += IV_BYTES;
  return iv;
}

export function sealPersonal(key: Buffer, context: SealContext, personal: unknown): string {
  const iv = nextIv();
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(context));
  const body = Buffer.concat([
    cipher.update(JSON.stringify(personal) ?? 'null', 'utf8'),
    cipher.final(),
    cipher.getAuthTag(),
  ]);
  return `${PREFIX}${context.ownerId}.${iv.toString('base64url')}.${body.toString('base64url')}`;
}

/** The owner a sealed value names, or null when the value is not sealed (written before 0024). */
export function sealedOwner(value: unknown): string | null {
  if (typeof value !== 'string' || !value.startsWith(PREFIX)) return null;
  const end = value.lastIndexOf('.', value.lastIndexOf('.') - 1);
  return end > PREFIX.length ? value.slice(PREFIX.length, end) : null;
}

/** Opens a sealed value; throws (without any of its content) when it was tampered with or moved. */
export function openPersonal(
  key: Buffer,
  context: Omit<SealContext, 'ownerId'>,
  sealed: string,
): unknown {
  const ownerId = sealedOwner(sealed);
  const parts = sealed.split('.');
  if (ownerId === null || parts.length < 4) corrupt(context.eventId);
  const iv = Buffer.from(parts[parts.length - 2], 'base64url');
  const body = Buffer.from(parts[parts.length - 1], 'base64url');
  if (iv.length !== IV_BYTES || body.length < TAG_BYTES) corrupt(context.eventId);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(aad({ ...context, ownerId }));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    const plain = Buffer.concat([
      decipher.update(body.subarray(0, body.length - TAG_BYTES)),
      decipher.final(),
    ]);
    return JSON.parse(plain.toString('utf8')) as unknown;
  } catch {
    corrupt(context.eventId);
  }
}

function aad(context: SealContext): Buffer {
  return Buffer.from(`${context.tenantId}/${context.eventId}/${context.ownerId}`, 'utf8');
}

function corrupt(eventId: string): never {
  throw new EventStoreError(
    EventStoreErrorCode.SealBroken,
    `the personal data of event ${eventId} does not open: altered, moved, or sealed with another key`,
  );
}
