import { createHmac, timingSafeEqual } from 'node:crypto';

export type UnsubscribeKind = 'student' | 'advisor';

export interface UnsubscribePayload {
  tenantId: string;
  recipientId: string;
  kind: UnsubscribeKind;
}

/** Version tag mixed into the MAC so this secret's MACs mean nothing anywhere else. */
const DOMAIN = 'rapport.unsubscribe.v1';
const KIND_CODES: Record<UnsubscribeKind, string> = { student: 's', advisor: 'a' };
const MIN_SECRET_BYTES = 16;
const MAC_BYTES = 32;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** Far above any real token; bounds the work a hostile link can cause. */
const MAX_TOKEN_LENGTH = 4096;

/**
 * `<payload>.<mac>`, both base64url: the payload is the JSON array `[kind, tenantId,
 * recipientId]`, the MAC is HMAC-SHA256 over the encoded payload. No expiry on purpose:
 * unsubscribe links in old emails must keep working (RFC 8058 senders may not expire them).
 */
export function signUnsubscribeToken(payload: UnsubscribePayload, secret: string | Buffer): string {
  const { tenantId, recipientId, kind } = payload;
  if (!isId(tenantId) || !isId(recipientId) || !Object.hasOwn(KIND_CODES, kind)) {
    throw new TypeError('Unsubscribe payload needs non-empty tenantId, recipientId and a kind');
  }
  const body = Buffer.from(JSON.stringify([KIND_CODES[kind], tenantId, recipientId])).toString(
    'base64url',
  );
  return `${body}.${mac(body, secret).toString('base64url')}`;
}

/** The payload of a genuine token, or null for anything forged, altered or malformed. */
export function verifyUnsubscribeToken(
  token: string,
  secret: string | Buffer,
): UnsubscribePayload | null {
  const expectedKey = key(secret); // a bad secret is a configuration error: throw, not null
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return null;
  const parts = token.split('.');
  if (parts.length !== 2) return null;
  const [body, signature] = parts;
  if (!BASE64URL.test(body) || !BASE64URL.test(signature)) return null;
  const given = Buffer.from(signature, 'base64url');
  // Decoding is lenient about trailing bits; insisting on the canonical form keeps one token
  // per payload.
  if (given.length !== MAC_BYTES || given.toString('base64url') !== signature) return null;
  if (!timingSafeEqual(given, macWith(body, expectedKey))) return null;
  return parsePayload(body);
}

/** RFC 8058 one-click unsubscribe headers for `url` (https; http only for a local host). */
export function unsubscribeHeaders(url: string): {
  'List-Unsubscribe': string;
  'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click';
} {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RangeError(`Invalid unsubscribe URL: ${JSON.stringify(url)}`);
  }
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname);
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && local)) {
    throw new RangeError(`RFC 8058 requires an https unsubscribe URL: ${JSON.stringify(url)}`);
  }
  // URL serialisation percent-encodes spaces, controls and non-ASCII, so the header stays a
  // single printable line that cannot carry another header.
  return {
    'List-Unsubscribe': `<${parsed.href}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  };
}

function parsePayload(body: string): UnsubscribePayload | null {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(value) || value.length !== 3) return null;
  const [code, tenantId, recipientId] = value as unknown[];
  const kind = (Object.keys(KIND_CODES) as UnsubscribeKind[]).find((k) => KIND_CODES[k] === code);
  if (!kind || !isId(tenantId) || !isId(recipientId)) return null;
  return { tenantId, recipientId, kind };
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 256;
}

function key(secret: string | Buffer): Buffer {
  const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  if (!Buffer.isBuffer(bytes) || bytes.length < MIN_SECRET_BYTES) {
    throw new RangeError(`The unsubscribe secret needs at least ${MIN_SECRET_BYTES} bytes`);
  }
  return bytes;
}

function mac(body: string, secret: string | Buffer): Buffer {
  return macWith(body, key(secret));
}

function macWith(body: string, secret: Buffer): Buffer {
  return createHmac('sha256', secret).update(`${DOMAIN}.${body}`).digest();
}
