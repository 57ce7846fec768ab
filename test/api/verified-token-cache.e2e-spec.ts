import { jest } from '@jest/globals';
import { SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { AuthClock } from '../../apps/api/src/auth/auth-clock';
import { TokenService, VERIFIED_TOKENS_KEPT } from '../../apps/api/src/auth/token.service';
import { enrolledStudents, newInstitution, newStaff } from '../support/builders';
import { errorCode, graphql, ok } from '../support/graphql';
import { TestOidcProvider } from '../support/oidc-provider';
import { startTestApp, TEST_JWT_SECRET, type TestApp } from '../support/test-app';

const ME = '{ me { subject } }';
const COHORTS = '{ cohorts { id } }';
const MINUTE = 60_000;

/** Signature checks made while `work` runs (jose verifies through WebCrypto). */
async function signatureChecks(work: () => Promise<unknown>): Promise<number> {
  const spy = jest.spyOn(globalThis.crypto.subtle, 'verify');
  try {
    await work();
    return spy.mock.calls.length;
  } finally {
    spy.mockRestore();
  }
}

describe('verified tokens are remembered until they expire (docs/adr/0031)', () => {
  let t: TestApp;
  let inst: Awaited<ReturnType<typeof newInstitution>>;

  beforeAll(async () => {
    t = await startTestApp();
    inst = await newInstitution(t);
  });
  afterAll(() => t.close());

  const advisorToken = (claims: Record<string, unknown>) =>
    new SignJWT({ tenant: inst.tenantId, role: 'advisor', ...claims })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(`advisor-${randomUUID()}`)
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));

  it('checks the signature of a token once, however many requests carry it', async () => {
    const token = await inst.advisorToken(`advisor-${randomUUID()}`);
    expect(await signatureChecks(async () => ok(await graphql(t.app, token, ME)))).toBe(1);
    expect(await signatureChecks(async () => ok(await graphql(t.app, token, ME)))).toBe(0);
  });

  it('refuses a remembered token once it has expired', async () => {
    const now = Math.floor(t.app.get(AuthClock).now() / 1000);
    const token = await advisorToken({ iat: now, exp: now + 120 });
    ok(await graphql(t.app, token, ME));
    t.app.get(AuthClock).advance(2 * MINUTE + 31_000); // past exp and the 30 s clock tolerance
    const late = await graphql(t.app, token, ME);
    expect(errorCode(late)).toBe('UNAUTHENTICATED');
    expect(late.errors![0].message).toMatch(/expired/);
  });

  it('remembers no refusal: a token not valid yet is taken once it is', async () => {
    const now = Math.floor(t.app.get(AuthClock).now() / 1000);
    const token = await advisorToken({ iat: now, nbf: now + 120, exp: now + 3600 });
    expect(errorCode(await graphql(t.app, token, ME))).toBe('UNAUTHENTICATED');
    t.app.get(AuthClock).advance(2 * MINUTE);
    expect(ok(await graphql(t.app, token, ME)).me).toBeTruthy();
  });

  it('still refuses a deactivated staff member whose token was remembered', async () => {
    const admin = await newStaff(t, inst.adminToken, { role: 'ADMIN' });
    const advisor = await newStaff(t, inst.adminToken);
    ok(await graphql(t.app, advisor.token, COHORTS));
    ok(
      await graphql(
        t.app,
        admin.token,
        `
          mutation ($input: DeactivateStaffInput!) {
            deactivateStaff(input: $input) {
              staffMember {
                id
              }
            }
          }
        `,
        { input: { staffId: advisor.staffId } },
      ),
    );
    expect(
      await signatureChecks(async () =>
        expect(errorCode(await graphql(t.app, advisor.token, COHORTS))).toBe('UNAUTHENTICATED'),
      ),
    ).toBe(0);
  });

  it('still refuses an erased student whose token was remembered', async () => {
    const { studentIds } = await enrolledStudents(t, inst.adminToken, [
      { name: 'Remembered Student', email: `remembered-${randomUUID()}@students.test` },
    ]);
    const [studentId] = studentIds;
    const token = await inst.studentToken(studentId);
    ok(await graphql(t.app, token, ME));
    ok(
      await graphql(
        t.app,
        inst.adminToken,
        `
          mutation ($input: EraseStudentInput!) {
            eraseStudent(input: $input) {
              studentId
            }
          }
        `,
        { input: { studentId, reason: 'REQUEST' } },
      ),
    );
    expect(
      await signatureChecks(async () =>
        expect(errorCode(await graphql(t.app, token, ME))).toBe('UNAUTHENTICATED'),
      ),
    ).toBe(0);
  });

  it(`keeps at most ${VERIFIED_TOKENS_KEPT} tokens, forgetting the least recently used`, async () => {
    const tokens = t.app.get(TokenService);
    const now = Math.floor(t.app.get(AuthClock).now() / 1000);
    const first = await advisorToken({ iat: now, exp: now + 3600 });
    const kept = await advisorToken({ iat: now, exp: now + 3600 });
    await tokens.verify(first);
    await tokens.verify(kept);
    for (let i = 0; i < VERIFIED_TOKENS_KEPT; i++) {
      if (i === VERIFIED_TOKENS_KEPT / 2) await tokens.verify(kept); // used again: kept
      await tokens.verify(await advisorToken({ iat: now, exp: now + 3600, n: i }));
    }
    expect(await signatureChecks(() => tokens.verify(kept))).toBe(0);
    expect(await signatureChecks(() => tokens.verify(first))).toBe(1);
  });
});

describe("a remembered token of an institution's provider", () => {
  let t: TestApp;
  let provider: TestOidcProvider;
  let other: TestOidcProvider;
  let inst: Awaited<ReturnType<typeof newInstitution>>;
  const subject = `remembered-${randomUUID()}`;
  const setProvider = (issuer: string, audience: string) =>
    graphql(
      t.app,
      inst.adminToken,
      `
        mutation ($input: SetIdentityProviderInput!) {
          setIdentityProvider(input: $input) {
            institution {
              id
            }
          }
        }
      `,
      { input: { issuer, audience } },
    );

  beforeAll(async () => {
    t = await startTestApp({ auth: { secret: TEST_JWT_SECRET, providers: { jwksCooldownMs: 0 } } });
    [provider, other] = await Promise.all([
      TestOidcProvider.start({ alg: 'RS256' }),
      TestOidcProvider.start({ alg: 'RS256' }),
    ]);
    inst = await newInstitution(t);
    ok(await setProvider(provider.issuer, provider.audience));
    await enrolledStudents(t, inst.adminToken, [{ name: 'Provider Student', email: 'ps@p.edu' }]);
    provider.person(subject, { email: 'ps@p.edu', email_verified: true });
  });
  afterAll(async () => {
    await t.close();
    await Promise.all([provider.close(), other.close()]);
  });

  it('is taken from memory, and refused once the institution signs in with another provider', async () => {
    const token = await provider.token(subject);
    ok(await graphql(t.app, token, ME));
    expect(await signatureChecks(async () => ok(await graphql(t.app, token, ME)))).toBe(0);
    ok(await setProvider(other.issuer, other.audience));
    expect(errorCode(await graphql(t.app, token, ME))).toBe('UNAUTHENTICATED');
  });
});
