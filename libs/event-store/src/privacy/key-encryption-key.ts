import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/**
 * The key that wraps every data key (docs/adr/0024). A cloud KMS plugs in by implementing this
 * interface: `wrap`/`unwrap` call the KMS's encrypt/decrypt, `id` names the KMS key version.
 */
export interface KeyEncryptionKey {
  /** Stored beside each wrapped key, so a rotation can tell which keys still need rewrapping. */
  readonly id: string;
  wrap(dataKey: Buffer): Promise<Buffer>;
  unwrap(wrapped: Buffer): Promise<Buffer>;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * A key-encryption key derived from a configured secret (DATA_KEY_SECRET): HKDF-SHA256 to 32
 * bytes, AES-256-GCM wrapping as `iv ‖ ciphertext ‖ tag`.
 */
export class LocalKeyEncryptionKey implements KeyEncryptionKey {
  readonly id: string;
  private readonly key: Buffer;

  constructor(secret: string) {
    if (Buffer.byteLength(secret, 'utf8') < 16)
      throw new Error('the data key secret must be at least 16 bytes');
    this.key = Buffer.from(
      hkdfSync(
        'sha256',
        Buffer.from(secret, 'utf8'),
        'rapport',
        'rapport data key wrapping v1',
        32,
      ),
    );
    // A hash of the derived key (never of the secret itself), short enough to store per row.
    this.id = `local:${createHash('sha256').update(this.key).update('id').digest('hex').slice(0, 12)}`;
  }

  wrap(dataKey: Buffer): Promise<Buffer> {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(this.id));
    const body = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    return Promise.resolve(Buffer.concat([iv, body, cipher.getAuthTag()]));
  }

  unwrap(wrapped: Buffer): Promise<Buffer> {
    // A failure rejects, as a KMS call would, rather than throwing.
    return Promise.resolve(wrapped).then((w) => this.unwrapNow(w));
  }

  private unwrapNow(wrapped: Buffer): Buffer {
    const iv = wrapped.subarray(0, IV_BYTES);
    const tag = wrapped.subarray(wrapped.length - TAG_BYTES);
    const body = wrapped.subarray(IV_BYTES, wrapped.length - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAAD(Buffer.from(this.id));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  }
}
