import { createHmac } from 'node:crypto';
import {
  signUnsubscribeToken,
  unsubscribeHeaders,
  verifyUnsubscribeToken,
} from './unsubscribe-token';

const SECRET = 'test-secret-that-is-long-enough';
const payload = { tenantId: 'tenant-1', recipientId: 'stu-42', kind: 'student' as const };

describe('unsubscribe tokens', () => {
  it('round-trips and is compact and URL-safe', () => {
    const token = signUnsubscribeToken(payload, SECRET);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(token.length).toBeLessThan(120);
    expect(verifyUnsubscribeToken(token, SECRET)).toEqual(payload);
    expect(verifyUnsubscribeToken(token, Buffer.from(SECRET))).toEqual(payload);
    const advisor = signUnsubscribeToken({ ...payload, kind: 'advisor' }, SECRET);
    expect(verifyUnsubscribeToken(advisor, SECRET)).toEqual({ ...payload, kind: 'advisor' });
  });

  it('is deterministic and never expires', () => {
    expect(signUnsubscribeToken(payload, SECRET)).toBe(signUnsubscribeToken(payload, SECRET));
  });

  it('keeps ids with dots, quotes and non-ASCII intact', () => {
    const odd = { tenantId: 'a.b"c', recipientId: 'Zoë/ø', kind: 'advisor' as const };
    expect(verifyUnsubscribeToken(signUnsubscribeToken(odd, SECRET), SECRET)).toEqual(odd);
  });

  it('rejects a wrong secret and any tampering', () => {
    const token = signUnsubscribeToken(payload, SECRET);
    const [body, mac] = token.split('.');
    expect(verifyUnsubscribeToken(token, 'another-secret-long-enough')).toBeNull();
    const forged = Buffer.from(JSON.stringify(['s', 'tenant-1', 'stu-43'])).toString('base64url');
    expect(verifyUnsubscribeToken(`${forged}.${mac}`, SECRET)).toBeNull();
    const flip = (s: string, i: number) =>
      s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    for (let i = 0; i < body.length; i++) {
      expect(verifyUnsubscribeToken(`${flip(body, i)}.${mac}`, SECRET)).toBeNull();
    }
    for (let i = 0; i < mac.length; i++) {
      expect(verifyUnsubscribeToken(`${body}.${flip(mac, i)}`, SECRET)).toBeNull();
    }
  });

  it('rejects a non-canonical encoding of the MAC', () => {
    const token = signUnsubscribeToken(payload, SECRET);
    const [body, mac] = token.split('.');
    // The 43rd character carries 2 padding bits; changing them decodes to the same bytes.
    const last = mac.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet[alphabet.indexOf(last) ^ 1];
    const variant = `${body}.${mac.slice(0, -1)}${sibling}`;
    expect(Buffer.from(mac.slice(0, -1) + sibling, 'base64url')).toEqual(
      Buffer.from(mac, 'base64url'),
    );
    expect(verifyUnsubscribeToken(variant, SECRET)).toBeNull();
  });

  it.each(['', '.', 'abc', 'a.b.c', 'a b.c', '%%%.abc', `${'A'.repeat(5000)}.${'A'.repeat(43)}`])(
    'rejects malformed input %#',
    (token) => {
      expect(verifyUnsubscribeToken(token, SECRET)).toBeNull();
    },
  );

  it('rejects well-signed but ill-formed payloads', () => {
    const sign = (value: unknown) => {
      const body = Buffer.from(JSON.stringify(value)).toString('base64url');
      const mac = createHmac('sha256', SECRET).update(`rapport.unsubscribe.v1.${body}`).digest();
      return `${body}.${mac.toString('base64url')}`;
    };
    expect(verifyUnsubscribeToken(sign(['s', 'tenant-1', 'stu-42']), SECRET)).toEqual(payload);
    expect(verifyUnsubscribeToken(sign(['x', 'tenant-1', 'stu-42']), SECRET)).toBeNull();
    expect(verifyUnsubscribeToken(sign(['s', '', 'stu-42']), SECRET)).toBeNull();
    expect(verifyUnsubscribeToken(sign(['s', 'tenant-1', 1]), SECRET)).toBeNull();
    expect(verifyUnsubscribeToken(sign({ kind: 's' }), SECRET)).toBeNull();
    expect(verifyUnsubscribeToken(sign(['toString', 't', 'r']), SECRET)).toBeNull();
  });

  it('refuses short secrets and bad payloads when signing', () => {
    expect(() => signUnsubscribeToken(payload, 'short')).toThrow(/secret/);
    expect(() => verifyUnsubscribeToken('a.b', '')).toThrow(/secret/);
    expect(() => signUnsubscribeToken({ ...payload, tenantId: '' }, SECRET)).toThrow(TypeError);
    expect(() => signUnsubscribeToken({ ...payload, kind: 'admin' as 'student' }, SECRET)).toThrow(
      TypeError,
    );
  });
});

describe('unsubscribeHeaders', () => {
  it('builds the RFC 8058 pair', () => {
    expect(unsubscribeHeaders('https://rapport.example.edu/unsubscribe?t=abc.def')).toEqual({
      'List-Unsubscribe': '<https://rapport.example.edu/unsubscribe?t=abc.def>',
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    });
  });

  it('needs https (http only on a local host) and a single-line value', () => {
    expect(() => unsubscribeHeaders('http://rapport.example.edu/u')).toThrow(/https/);
    expect(() => unsubscribeHeaders('mailto:u@example.edu')).toThrow(/https/);
    expect(() => unsubscribeHeaders('not a url')).toThrow(/Invalid/);
    expect(unsubscribeHeaders('http://localhost:3000/u')['List-Unsubscribe']).toBe(
      '<http://localhost:3000/u>',
    );
    const header = unsubscribeHeaders('https://x.example/u?t=a b\r\nBcc: e@x>')['List-Unsubscribe'];
    expect(header).not.toMatch(/[\s\r\n]/);
    expect(header.indexOf('>')).toBe(header.length - 1);
  });
});
