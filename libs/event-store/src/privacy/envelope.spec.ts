import { randomBytes, randomUUID } from 'node:crypto';
import { EventStoreError } from '../event-store.errors';
import { openPersonal, sealedOwner, sealPersonal } from './envelope';
import { LocalKeyEncryptionKey } from './key-encryption-key';

describe('sealed personal data', () => {
  const key = randomBytes(32);
  const context = { tenantId: randomUUID(), eventId: randomUUID(), ownerId: 'student-1' };
  const personal = { name: 'Ada Lovelace', email: 'ada@example.edu' };

  it('round-trips, names only the owner, and shows none of the plaintext', () => {
    const sealed = sealPersonal(key, context, personal);
    expect(sealed).toMatch(/^v1\.student-1\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('Ada');
    expect(sealedOwner(sealed)).toBe('student-1');
    expect(openPersonal(key, context, sealed)).toEqual(personal);
    // A fresh IV each time: the same person's data seals differently in every event.
    expect(sealPersonal(key, context, personal)).not.toBe(sealed);
  });

  it('treats anything but a sealed string as plaintext written before sealing', () => {
    expect(sealedOwner(personal)).toBeNull();
    expect(sealedOwner('plain text')).toBeNull();
    expect(sealedOwner(undefined)).toBeNull();
  });

  it('refuses a tampered ciphertext without revealing its content', () => {
    const sealed = sealPersonal(key, context, personal);
    const body = Buffer.from(sealed.split('.')[3], 'base64url');
    body[0] ^= 1;
    const tampered = [...sealed.split('.').slice(0, 3), body.toString('base64url')].join('.');
    expect(() => openPersonal(key, context, tampered)).toThrow(EventStoreError);
    expect(() => openPersonal(key, context, tampered)).toThrow(/does not open/);
    // Claiming another owner changes the associated data: refused too.
    const otherOwner = sealed.replace('v1.student-1.', 'v1.student-2.');
    expect(() => openPersonal(key, context, otherOwner)).toThrow(EventStoreError);
  });

  it('binds the tenant and the event: a value moved elsewhere does not open', () => {
    const sealed = sealPersonal(key, context, personal);
    expect(() => openPersonal(key, { ...context, tenantId: randomUUID() }, sealed)).toThrow(
      /does not open/,
    );
    expect(() => openPersonal(key, { ...context, eventId: randomUUID() }, sealed)).toThrow(
      /does not open/,
    );
    expect(() => openPersonal(randomBytes(32), context, sealed)).toThrow(/does not open/);
  });

  it('wraps data keys with a key derived from the secret, named by a short hash', async () => {
    const kek = new LocalKeyEncryptionKey('a-secret-of-enough-length-for-hkdf');
    const same = new LocalKeyEncryptionKey('a-secret-of-enough-length-for-hkdf');
    const other = new LocalKeyEncryptionKey('another-secret-of-enough-length!!');
    expect(kek.id).toBe(same.id);
    expect(kek.id).not.toBe(other.id);
    expect(kek.id).not.toContain('secret');
    const wrapped = await kek.wrap(key);
    expect(await same.unwrap(wrapped)).toEqual(key);
    await expect(other.unwrap(wrapped)).rejects.toThrow();
  });
});
