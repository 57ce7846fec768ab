import { signToken, type TokenPurpose, verifyToken } from './signed-token';
import { signUnsubscribeToken } from './unsubscribe-token';

const SECRET = 'test-secret-that-is-long-enough';
const EXPIRING: TokenPurpose = { name: 'test-expiring', expires: true, fields: 2 };
const LASTING: TokenPurpose = { name: 'test-lasting', expires: false, fields: 2 };
const noon = new Date('2026-03-01T12:00:00Z');
const later = (ms: number) => new Date(noon.getTime() + ms);

describe('purpose-bound signed tokens', () => {
  it('round-trips the fields and the expiry (to the second)', () => {
    const token = signToken(EXPIRING, ['t-1', 'r-1'], SECRET, later(1500));
    expect(verifyToken(EXPIRING, token, SECRET, noon)).toEqual({
      ok: true,
      fields: ['t-1', 'r-1'],
      expiresAt: later(1000),
    });
    expect(verifyToken(LASTING, signToken(LASTING, ['a', 'b'], SECRET), SECRET)).toEqual({
      ok: true,
      fields: ['a', 'b'],
      expiresAt: null,
    });
  });

  it('says expired from the expiry instant on, and only for a genuine token', () => {
    const token = signToken(EXPIRING, ['t-1', 'r-1'], SECRET, later(60_000));
    expect(verifyToken(EXPIRING, token, SECRET, later(59_999)).ok).toBe(true);
    // Still names whom it was for, so a fresh link can be offered.
    expect(verifyToken(EXPIRING, token, SECRET, later(60_000))).toEqual({
      ok: false,
      reason: 'expired',
      fields: ['t-1', 'r-1'],
    });
    expect(verifyToken(EXPIRING, token, 'another-secret-long-enough', later(60_000))).toEqual({
      ok: false,
      reason: 'invalid',
    });
  });

  it('binds the purpose: a token never verifies as another purpose', () => {
    const lasting = signToken(LASTING, ['t-1', 'r-1'], SECRET);
    const renamed: TokenPurpose = { ...LASTING, name: 'test-other' };
    expect(verifyToken(renamed, lasting, SECRET).ok).toBe(false);
    const unsubscribe = signUnsubscribeToken(
      { tenantId: 't-1', recipientId: 'r-1', kind: 'student' },
      SECRET,
    );
    expect(
      verifyToken({ name: 'unsubscribe', expires: false, fields: 3 }, unsubscribe, SECRET),
    ).toMatchObject({ ok: true, fields: ['s', 't-1', 'r-1'] });
    expect(verifyToken({ ...EXPIRING, fields: 3 }, unsubscribe, SECRET).ok).toBe(false);
  });

  it('rejects tampering with the expiry or the fields', () => {
    const token = signToken(EXPIRING, ['t-1', 'r-1'], SECRET, later(1000));
    const [, mac] = token.split('.');
    const extended = Buffer.from(
      JSON.stringify([Math.floor(later(3_600_000).getTime() / 1000), 't-1', 'r-1']),
    ).toString('base64url');
    expect(verifyToken(EXPIRING, `${extended}.${mac}`, SECRET, noon)).toEqual({
      ok: false,
      reason: 'invalid',
    });
  });

  it.each([undefined, 42, '', 'a.b.c', `${'A'.repeat(5000)}.${'A'.repeat(43)}`])(
    'rejects malformed input %#',
    (token) => {
      expect(verifyToken(EXPIRING, token, SECRET, noon)).toEqual({ ok: false, reason: 'invalid' });
    },
  );

  it('refuses to sign without the expiry its purpose needs, or with one it must not have', () => {
    expect(() => signToken(EXPIRING, ['a', 'b'], SECRET)).toThrow(TypeError);
    expect(() => signToken(LASTING, ['a', 'b'], SECRET, noon)).toThrow(TypeError);
    expect(() => signToken(LASTING, ['a'], SECRET)).toThrow(TypeError);
    expect(() => signToken(LASTING, ['a', ''], SECRET)).toThrow(TypeError);
    expect(() => signToken(LASTING, ['a', 'b'], 'short')).toThrow(/secret/);
  });
});
