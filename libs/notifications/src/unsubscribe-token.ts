import { signToken, type TokenPurpose, verifyToken } from './signed-token';

export type UnsubscribeKind = 'student' | 'advisor';

export interface UnsubscribePayload {
  tenantId: string;
  recipientId: string;
  kind: UnsubscribeKind;
}

/**
 * No expiry on purpose: unsubscribe links in old emails must keep working (RFC 8058 senders
 * may not expire them). The fields are `[kind, tenantId, recipientId]`.
 */
export const UNSUBSCRIBE_PURPOSE: TokenPurpose = { name: 'unsubscribe', expires: false, fields: 3 };
const KIND_CODES: Record<UnsubscribeKind, string> = { student: 's', advisor: 'a' };

export function signUnsubscribeToken(payload: UnsubscribePayload, secret: string | Buffer): string {
  const { tenantId, recipientId, kind } = payload;
  if (!tenantId || !recipientId || !Object.hasOwn(KIND_CODES, kind)) {
    throw new TypeError('Unsubscribe payload needs non-empty tenantId, recipientId and a kind');
  }
  return signToken(UNSUBSCRIBE_PURPOSE, [KIND_CODES[kind], tenantId, recipientId], secret);
}

/** The payload of a genuine token, or null for anything forged, altered or malformed. */
export function verifyUnsubscribeToken(
  token: string,
  secret: string | Buffer,
): UnsubscribePayload | null {
  const verified = verifyToken(UNSUBSCRIBE_PURPOSE, token, secret);
  if (!verified.ok) return null;
  const [code, tenantId, recipientId] = verified.fields;
  const kind = (Object.keys(KIND_CODES) as UnsubscribeKind[]).find((k) => KIND_CODES[k] === code);
  return kind ? { tenantId, recipientId, kind } : null;
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
