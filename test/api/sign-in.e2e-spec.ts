import { EventStore, START } from '@rapport/event-store';
import type { INestApplication } from '@nestjs/common';
import { generateKeyPair, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { IssuerDirectoryRefresher } from '../../apps/api/src/auth/issuer-directory.refresher';
import { enrolledStudents, newInstitution, newStaff } from '../support/builders';
import { errorCode, graphql, ok } from '../support/graphql';
import { TestOidcProvider } from '../support/oidc-provider';
import { startInstance, startTestApp, TEST_JWT_SECRET, type TestApp } from '../support/test-app';

const ME = '{ me { role subject tenantId student { id name } } }';
const SET_PROVIDER = `
  mutation ($input: SetIdentityProviderInput!) {
    setIdentityProvider(input: $input) {
      institution { id identityProvider { issuer audience emailClaim externalIdClaim } }
    }
  }
`;
const ADD_CONTACT = `
  mutation { addContact(input: { name: "Dana Reyes", relationship: friend }) { contact { id studentId } } }
`;

type Institution = Awaited<ReturnType<typeof newInstitution>>;

describe("sign-in through each institution's own OpenID provider (docs/adr/0015)", () => {
  let t: TestApp;
  let providerA: TestOidcProvider;
  let providerB: TestOidcProvider;
  let a: Institution;
  let b: Institution;
  let annId: string;
  let bobId: string;
  // Each person has one account at their provider; a second one would be refused.
  const annSub = `ann-${randomUUID()}`;
  const bobSub = `bob-${randomUUID()}`;

  const setProvider = (app: INestApplication, token: string, input: Record<string, unknown>) =>
    graphql(app, token, SET_PROVIDER, { input });

  beforeAll(async () => {
    // Keys are refetched as soon as a token names an unknown key id (the rotation tests).
    t = await startTestApp({
      auth: { secret: TEST_JWT_SECRET, providers: { jwksCooldownMs: 0 } },
    });
    [providerA, providerB] = await Promise.all([
      TestOidcProvider.start({ alg: 'RS256' }),
      TestOidcProvider.start({ alg: 'ES256' }),
    ]);
    a = await newInstitution(t);
    b = await newInstitution(t);
    ok(
      await setProvider(t.app, a.adminToken, {
        issuer: providerA.issuer,
        audience: providerA.audience,
      }),
    );
    ok(
      await setProvider(t.app, b.adminToken, {
        issuer: providerB.issuer,
        audience: providerB.audience,
      }),
    );
    [annId] = (
      await enrolledStudents(t, a.adminToken, [{ name: 'Ann Lee', email: 'ann@a.edu' }])
    ).studentIds;
    [bobId] = (
      await enrolledStudents(t, b.adminToken, [{ name: 'Bob Roy', email: 'bob@b.edu' }])
    ).studentIds;
    providerA.person(annSub, { email: 'ann@a.edu', email_verified: true });
    providerB.person(bobSub, { email: 'bob@b.edu', email_verified: true });
  });
  afterAll(async () => {
    await t.close();
    await Promise.all([providerA.close(), providerB.close()]);
  });

  it('shows the provider to the institution, with the default email claim', async () => {
    const result = ok(
      await graphql(
        t.app,
        a.adminToken,
        '{ institution { identityProvider { issuer audience emailClaim externalIdClaim } } }',
      ),
    );
    expect(result.institution.identityProvider).toEqual({
      issuer: providerA.issuer,
      audience: providerA.audience,
      emailClaim: 'email',
      externalIdClaim: null,
    });
  });

  it('signs a student in with a token carrying only standard claims, then lets them write', async () => {
    const subject = annSub;
    providerA.person(subject, { email: 'Ann@A.edu', email_verified: true });
    const token = await providerA.token(subject);
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    expect(Object.keys(claims).sort()).toEqual(
      ['aud', 'client_id', 'email', 'email_verified', 'exp', 'iat', 'iss', 'jti', 'sub'].sort(),
    );

    const me = ok(await graphql(t.app, token, ME)).me;
    expect(me).toEqual({
      role: 'student',
      subject: annId,
      tenantId: a.tenantId,
      student: { id: annId, name: 'Ann Lee' },
    });
    const added = ok(await graphql(t.app, token, ADD_CONTACT));
    expect(added.addContact.contact.studentId).toBe(annId);

    // The link is an event whose personal part holds the subject and email; ids and metadata don't.
    const { events } = await t.app.get(EventStore).readTenant(a.tenantId, START, 100_000);
    const event = events.find(
      (e) =>
        e.type === 'IdentityLinked' &&
        (e.data as { personal: { subject: string } }).personal.subject === subject,
    )!;
    expect(event.streamId).toBe(`identity-${annId}`);
    expect((event.data as { personal: unknown }).personal).toEqual({ subject, email: 'ann@a.edu' });
    expect(JSON.stringify(event.metadata)).not.toContain(subject);
    expect(JSON.stringify(event.metadata)).not.toContain('ann@a.edu');
  });

  it('keeps the person when their email changes at the provider (the link wins)', async () => {
    expect(ok(await graphql(t.app, await providerB.token(bobSub), ME)).me.subject).toBe(bobId);

    providerB.person(bobSub, { email: 'robert.roy@b.edu', email_verified: true });
    const me = ok(await graphql(t.app, await providerB.token(bobSub), ME)).me;
    expect(me).toMatchObject({ subject: bobId, tenantId: b.tenantId, student: { id: bobId } });
    providerB.person(bobSub, { email: 'bob@b.edu', email_verified: true });
  });

  it('refuses a second account with the same email once the person is linked', async () => {
    expect(ok(await graphql(t.app, await providerA.token(annSub), ME)).me.subject).toBe(annId);
    const second = `ann-again-${randomUUID()}`;
    providerA.person(second, { email: 'ann@a.edu', email_verified: true });
    const result = await graphql(t.app, await providerA.token(second), ME);
    expect(errorCode(result)).toBe('NOT_ENROLLED');
    expect(result.errors![0].message).toMatch(/another account/);
  });

  it('refuses an unverified email with NOT_ENROLLED and a message for the help desk', async () => {
    const [cleoId] = (
      await enrolledStudents(t, a.adminToken, [{ name: 'Cleo Park', email: 'cleo@a.edu' }])
    ).studentIds;
    const subject = `cleo-${randomUUID()}`;
    providerA.person(subject, { email: 'cleo@a.edu', email_verified: false });
    const result = await graphql(t.app, await providerA.token(subject), ME);
    expect(errorCode(result)).toBe('NOT_ENROLLED');
    expect(result.errors![0].message).toMatch(/verified email/);
    expect(result.errors![0].message).not.toContain('cleo@a.edu');

    // The provider sending the claim as a string is not "verified" either; nor is a missing one.
    for (const claims of [{ email_verified: 'true' }, {}]) {
      providerA.person(subject, { email: 'cleo@a.edu', ...claims });
      expect(errorCode(await graphql(t.app, await providerA.token(subject), ME))).toBe(
        'NOT_ENROLLED',
      );
    }
    // Verified, the same account is Cleo.
    providerA.person(subject, { email: 'cleo@a.edu', email_verified: true });
    expect(ok(await graphql(t.app, await providerA.token(subject), ME)).me.subject).toBe(cleoId);
  });

  it('refuses a verified email that is on no roster with NOT_ENROLLED', async () => {
    const subject = `stranger-${randomUUID()}`;
    providerA.person(subject, { email: 'stranger@a.edu', email_verified: true });
    const result = await graphql(t.app, await providerA.token(subject), ME);
    expect(errorCode(result)).toBe('NOT_ENROLLED');
    expect(result.errors![0].message).toMatch(/career center/);
    expect(result.errors![0].message).not.toContain('stranger@a.edu');
  });

  it('refuses a token of a provider no institution registered with UNAUTHENTICATED', async () => {
    const unknown = await TestOidcProvider.start();
    try {
      unknown.person('ann', { email: 'ann@a.edu', email_verified: true });
      const result = await graphql(t.app, await unknown.token('ann'), ME);
      expect(errorCode(result)).toBe('UNAUTHENTICATED');
      expect(result.errors![0].message).toMatch(/not the identity provider of any institution/);
    } finally {
      await unknown.close();
    }
  });

  it("keeps institution A's provider out of institution B's data", async () => {
    // B's student email at A's provider: A's provider can only name people of A.
    const subject = `bob-at-a-${randomUUID()}`;
    providerA.person(subject, { email: 'bob@b.edu', email_verified: true });
    expect(errorCode(await graphql(t.app, await providerA.token(subject), ME))).toBe(
      'NOT_ENROLLED',
    );

    // A token of A's provider for B's audience is not for Rapport at A.
    const ann = annSub;
    expect(
      errorCode(await graphql(t.app, await providerA.token(ann, providerB.audience), ME)),
    ).toBe('UNAUTHENTICATED');

    // A's student reaches A only: B's student is not there to read.
    const token = await providerA.token(ann);
    expect(ok(await graphql(t.app, token, '{ institution { id } }')).institution.id).toBe(
      a.tenantId,
    );
    const other = await graphql(t.app, token, `{ student(id: "${bobId}") { id } }`);
    expect(other.data?.student ?? null).toBeNull();
    expect(errorCode(other)).toMatch(/NOT_FOUND|FORBIDDEN/);
  });

  it('signs people of two institutions in at once, each through its own provider', async () => {
    const [annMe, bobMe] = await Promise.all([
      providerA.token(annSub).then((token) => graphql(t.app, token, ME)),
      providerB.token(bobSub).then((token) => graphql(t.app, token, ME)),
    ]);
    expect(ok(annMe).me).toMatchObject({ tenantId: a.tenantId, subject: annId });
    expect(ok(bobMe).me).toMatchObject({ tenantId: b.tenantId, subject: bobId });
  });

  it('follows key rotation: a new key id is fetched and accepted, a dropped key is refused', async () => {
    const subject = annSub;
    const before = await providerA.token(subject);
    expect(ok(await graphql(t.app, before, ME)).me.subject).toBe(annId);

    const oldKid = providerA.currentKid;
    await providerA.rotateKeys();
    const after = await providerA.token(subject);
    expect(JSON.parse(Buffer.from(after.split('.')[0], 'base64url').toString()).kid).not.toBe(
      oldKid,
    );
    expect(ok(await graphql(t.app, after, ME)).me.subject).toBe(annId);
    // The provider no longer publishes the old key: its tokens are refused once keys were refetched.
    const old = await graphql(t.app, before, ME);
    expect(errorCode(old)).toBe('UNAUTHENTICATED');
    expect(old.errors![0].message).toMatch(/key its provider does not publish/);
  });

  it('refetches keys for an unknown key id at most once per cooldown', async () => {
    const strict = await startInstance(t.db, {
      auth: { secret: TEST_JWT_SECRET, providers: { jwksCooldownMs: 60_000 } },
    });
    try {
      const subject = annSub;
      expect(ok(await graphql(strict, await providerA.token(subject), ME)).me.subject).toBe(annId);
      const fetched = providerA.jwksRequests;

      const { privateKey } = await generateKeyPair('RS256');
      for (let i = 0; i < 5; i++) {
        const forged = await new SignJWT({ email: 'ann@a.edu', email_verified: true })
          .setProtectedHeader({ alg: 'RS256', kid: `forged-${i}` })
          .setIssuer(providerA.issuer)
          .setAudience(providerA.audience)
          .setSubject(subject)
          .setIssuedAt()
          .setExpirationTime('5m')
          .sign(privateKey);
        expect(errorCode(await graphql(strict, forged, ME))).toBe('UNAUTHENTICATED');
      }
      expect(providerA.jwksRequests).toBe(fetched);
    } finally {
      await strict.close();
    }
  });

  it('lets another API process see a newly registered provider once its directory reloads', async () => {
    const other = await startInstance(t.db, { auth: { secret: TEST_JWT_SECRET } });
    const providerC = await TestOidcProvider.start();
    try {
      const c = await newInstitution(t);
      const [carlaId] = (
        await enrolledStudents(t, c.adminToken, [{ name: 'Carla Diaz', email: 'carla@c.edu' }])
      ).studentIds;
      providerC.person('carla', { email: 'carla@c.edu', email_verified: true });
      const token = await providerC.token('carla');
      expect(errorCode(await graphql(other, token, ME))).toBe('UNAUTHENTICATED');

      ok(
        await setProvider(t.app, c.adminToken, {
          issuer: providerC.issuer,
          audience: providerC.audience,
        }),
      );
      // The process that made the change knows at once; the other one at its next reload.
      expect(ok(await graphql(t.app, token, ME)).me.subject).toBe(carlaId);
      await other.get(IssuerDirectoryRefresher).refresh();
      expect(ok(await graphql(other, token, ME)).me.subject).toBe(carlaId);
    } finally {
      await other.close();
      await providerC.close();
    }
  });

  it('lets only admins set the provider', async () => {
    const input = { issuer: 'https://login.a.edu', audience: 'rapport' };
    for (const token of [await a.advisorToken('advisor-1'), await a.studentToken(annId)]) {
      const result = await setProvider(t.app, token, input);
      expect(errorCode(result)).toBe('FORBIDDEN');
    }
    const still = ok(
      await graphql(t.app, a.adminToken, '{ institution { identityProvider { issuer } } }'),
    );
    expect(still.institution.identityProvider.issuer).toBe(providerA.issuer);
  });

  it("refuses another institution's issuer with a clear error, and changes nothing", async () => {
    const c = await newInstitution(t);
    const result = await setProvider(t.app, c.adminToken, {
      issuer: providerA.issuer,
      audience: 'something-else',
    });
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0].extensions).toMatchObject({
      reason: 'ALREADY_EXISTS',
      field: 'issuer',
    });
    expect(result.errors![0].message).toMatch(
      /already the identity provider of another institution/,
    );
    const unchanged = ok(
      await graphql(t.app, c.adminToken, '{ institution { identityProvider { issuer } version } }'),
    );
    expect(unchanged.institution.identityProvider).toBeNull();
    // A's people still sign in through it.
    expect(ok(await graphql(t.app, await providerA.token(annSub), ME)).me.tenantId).toBe(
      a.tenantId,
    );
  });

  it('refuses an issuer that is not https (outside loopback in development)', async () => {
    const c = await newInstitution(t);
    const result = await setProvider(t.app, c.adminToken, {
      issuer: 'http://login.c.edu',
      audience: 'rapport',
    });
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0].extensions).toMatchObject({ field: 'issuer' });
  });

  it('keeps development tokens with Rapport claims working beside providers', async () => {
    const me = ok(await graphql(t.app, await a.studentToken(annId), ME)).me;
    expect(me).toMatchObject({ subject: `user-${annId}`, tenantId: a.tenantId });
  });

  it('signs an invited advisor in by verified email, with the role Rapport gave them, and activates them', async () => {
    const advisor = await newStaff(t, a.adminToken, { role: 'ADVISOR', email: 'maria@a.edu' });
    const subject = `maria-${randomUUID()}`;
    providerA.person(subject, { email: 'maria@a.edu', email_verified: true, role: 'admin' });

    const me = ok(await graphql(t.app, await providerA.token(subject), ME)).me;
    expect(me).toEqual({
      role: 'advisor',
      subject: advisor.staffId,
      tenantId: a.tenantId,
      student: null,
    });
    const staff = ok(
      await graphql(t.app, a.adminToken, '{ staff(first: 100) { edges { node { id status } } } }'),
    ).staff.edges.map((e: { node: { id: string; status: string } }) => e.node);
    expect(staff).toContainEqual({ id: advisor.staffId, status: 'ACTIVE' });
  });
});
