import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * What a link token is for. The purpose is mixed into the MAC, so a token signed for one
 * purpose never verifies as another even under the same secret; `expires` says whether its
 * tokens carry an expiry (unsubscribe links must not, confirmation links must).
 */
export interface TokenPurpose {
  readonly name: string;
  readonly expires: boolean;
  /** How many string fields a token of this purpose carries. */
  readonly fields: number;
}

export type VerifiedToken =
  | { ok: true; fields: string[]; expiresAt: Date | null }
  | { ok: false; reason: 'invalid' }
  /** Genuine but too old: the fields still say whom to offer a fresh link. */
  | { ok: false; reason: 'expired'; fields: string[] };

const MIN_SECRET_BYTES = 16;
const MAC_BYTES = 32;
const MAX_FIELD_LENGTH = 256;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** Far above any real token; bounds the work a hostile link can cause. */
const MAX_TOKEN_LENGTH = 4096;

/**
 * `<payload>.<mac>`, both base64url: the payload is a JSON array of the fields, preceded by the
 * expiry in epoch seconds for an expiring purpose; the MAC is HMAC-SHA256 over
 * `rapport.<purpose>.v1.<payload>`.
 */
export function signToken(
  purpose: TokenPurpose,
  fields: readonly string[],
  secret: string | Buffer,
  expiresAt?: Date,
): string {
  const bytes = key(secret);
  if (fields.length !== purpose.fields || !fields.every(isField)) {
    throw new TypeError(`A ${purpose.name} token needs ${purpose.fields} non-empty fields`);
  }
  if (purpose.expires !== (expiresAt !== undefined) || (expiresAt && isNaN(expiresAt.getTime()))) {
    throw new TypeError(
      purpose.expires
        ? `A ${purpose.name} token needs a valid expiry`
        : `A ${purpose.name} token never expires`,
    );
  }
  const values = expiresAt ? [Math.floor(expiresAt.getTime() / 1000), ...fields] : fields;
  const body = Buffer.from(JSON.stringify(values)).toString('base64url');
  return `${body}.${mac(purpose, body, bytes).toString('base64url')}`;
}

/** The fields of a genuine, unexpired token of this purpose; why not otherwise. */
export function verifyToken(
  purpose: TokenPurpose,
  token: unknown,
  secret: string | Buffer,
  now: Date = new Date(),
): VerifiedToken {
  const bytes = key(secret); // a bad secret is a configuration error: throw, not invalid
  const invalid = { ok: false, reason: 'invalid' } as const;
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return invalid;
  const parts = token.split('.');
  if (parts.length !== 2) return invalid;
  const [body, signature] = parts;
  if (!BASE64URL.test(body) || !BASE64URL.test(signature)) return invalid;
  const given = Buffer.from(signature, 'base64url');
  // Decoding is lenient about trailing bits; insisting on the canonical form keeps one token
  // per payload.
  if (given.length !== MAC_BYTES || given.toString('base64url') !== signature) return invalid;
  if (!timingSafeEqual(given, mac(purpose, body, bytes))) return invalid;

  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return invalid;
  }
  if (!Array.isArray(values)) return invalid;
  let expiresAt: Date | null = null;
  if (purpose.expires) {
    const [seconds] = values as unknown[];
    if (typeof seconds !== 'number' || !Number.isSafeInteger(seconds)) return invalid;
    expiresAt = new Date(seconds * 1000);
    values = values.slice(1);
  }
  const fields = values as unknown[];
  if (fields.length !== purpose.fields || !fields.every(isField)) return invalid;
  if (expiresAt && now.getTime() >= expiresAt.getTime())
    return { ok: false, reason: 'expired', fields };
  return { ok: true, fields, expiresAt };
}

function isField(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_FIELD_LENGTH;
}

function key(secret: string | Buffer): Buffer {
  const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
  if (!Buffer.isBuffer(bytes) || bytes.length < MIN_SECRET_BYTES) {
    throw new RangeError(`The link-signing secret needs at least ${MIN_SECRET_BYTES} bytes`);
  }
  return bytes;
}

function mac(purpose: TokenPurpose, body: string, secret: Buffer): Buffer {
  return createHmac('sha256', secret).update(`rapport.${purpose.name}.v1.${body}`).digest();
}
