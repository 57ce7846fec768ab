import {
  decodeJwt,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTPayload,
  SignJWT,
} from 'jose';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Adapter, type AdapterPayload } from 'oidc-provider';
import { randomUUID } from 'node:crypto';

/** Claims a person's tokens carry besides `sub` (which is the person's account id). */
export type PersonClaims = Record<string, unknown>;

export interface TestOidcProviderOptions {
  /** The `aud` of the tokens it issues (a resource indicator: an absolute URI). */
  audience?: string;
  alg?: 'RS256' | 'ES256';
}

/**
 * A real OpenID provider (`oidc-provider`) on loopback: discovery, a JWKS endpoint and a token
 * endpoint. Each person is a client of the `client_credentials` grant whose id is their subject,
 * so `token(subject)` gets a real JWT access token (`at+jwt`, signed with the provider's current
 * key) carrying only standard claims: iss, sub, aud, exp, iat, plus the person's `email` and
 * `email_verified` (or whatever claims they were given). Keys rotate with `rotateKeys()`.
 *
 * `webClient(redirectUri)` adds the relying party of the week page's browser sign-in: a public
 * client (PKCE required, no secret) whose id is the audience, with the provider's development
 * login form (any login name is the account id, i.e. the person's subject; any password) and
 * its consent page. Its ID tokens carry the person's claims under the `email` scope.
 */
export class TestOidcProvider {
  /** JWKS downloads so far, to see how often a verifier refetches. */
  jwksRequests = 0;
  /** Tests: rewrites the claims of every ID token the token endpoint returns, re-signed with the current key. */
  idTokenRewrite: ((claims: JWTPayload) => JWTPayload) | null = null;
  private readonly web: { redirectUri?: string; secret?: string } = {};
  private provider!: Provider;
  private readonly people = new Map<string, PersonClaims>();
  private readonly secrets = new Map<string, string>();
  private keys: JWK[] = [];

  private constructor(
    readonly issuer: string,
    readonly audience: string,
    private readonly alg: 'RS256' | 'ES256',
    private readonly server: Server,
  ) {}

  static async start(options: TestOidcProviderOptions = {}): Promise<TestOidcProvider> {
    // The server outlives each Provider instance: rotating keys swaps the instance behind it.
    const ref: { current?: TestOidcProvider } = {};
    const server = createServer((request, response) => {
      const current = ref.current!;
      if (request.url?.startsWith('/jwks')) current.jwksRequests++;
      if (request.url?.startsWith('/token') && current.idTokenRewrite)
        current.rewriteResponse(response, current.idTokenRewrite);
      void current.provider.callback()(request, response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const handler = new TestOidcProvider(
      `http://127.0.0.1:${port}`,
      options.audience ?? `https://rapport.test/api/${randomUUID().slice(0, 8)}`,
      options.alg ?? 'RS256',
      server,
    );
    ref.current = handler;
    await handler.rotateKeys();
    return handler;
  }

  /** Adds a person (an account) or changes their claims, e.g. a new email. */
  person(subject: string, claims: PersonClaims): void {
    this.people.set(subject, claims);
    if (!this.secrets.has(subject)) this.secrets.set(subject, randomUUID());
  }

  /** A JWT access token for the person, from the provider's token endpoint. */
  async token(subject: string, audience = this.audience): Promise<string> {
    const response = await fetch(`${this.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: subject,
        client_secret: this.secrets.get(subject) ?? 'unknown',
        resource: audience,
      }),
    });
    const body = (await response.json()) as { access_token?: string; error?: string };
    if (!body.access_token) throw new Error(`token endpoint: ${JSON.stringify(body)}`);
    return body.access_token;
  }

  /**
   * Registers the browser sign-in client (id = the audience) with the app's callback URL; with a
   * secret it is a confidential client (client_secret_basic), otherwise a public one.
   */
  webClient(redirectUri: string, secret?: string): void {
    this.web.redirectUri = redirectUri;
    this.web.secret = secret;
  }

  /** The token endpoint's JSON, with its ID token's claims rewritten and signed again. */
  private rewriteResponse(
    response: ServerResponse,
    rewrite: (claims: JWTPayload) => JWTPayload,
  ): void {
    const end = response.end.bind(response);
    const setHeader = response.setHeader.bind(response);
    response.setHeader = (name: string, value: any) =>
      name.toLowerCase() === 'content-length' ? response : setHeader(name, value);
    response.end = ((chunk: any) => {
      void (async () => {
        const body = JSON.parse(String(chunk)) as { id_token?: string };
        if (body.id_token) {
          const key = this.keys[0];
          const signed = await new SignJWT(rewrite(decodeJwt(body.id_token)))
            .setProtectedHeader({ alg: this.alg, kid: key.kid, typ: 'JWT' })
            .sign(await importJWK(key, this.alg));
          body.id_token = signed;
        }
        end(JSON.stringify(body));
      })();
      return response;
    }) as typeof response.end;
  }

  /** The key id new tokens are signed with. */
  get currentKid(): string {
    return this.keys[0].kid!;
  }

  /**
   * A new signing key. The provider serves the new key only (`keepOld: false`), so tokens signed
   * with the old one can no longer be verified once a verifier refetches the key set.
   */
  async rotateKeys({ keepOld = false }: { keepOld?: boolean } = {}): Promise<void> {
    const { privateKey } = await generateKeyPair(this.alg, { extractable: true });
    const key = { ...(await exportJWK(privateKey)), kid: randomUUID(), alg: this.alg, use: 'sig' };
    this.keys = keepOld ? [key, ...this.keys] : [key];
    this.provider = this.build();
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private build(): Provider {
    const people = this.people;
    const secrets = this.secrets;
    const audience = this.audience;
    const alg = this.alg;
    const web = this.web;
    const provider = new Provider(this.issuer, {
      adapter: (name: string) => new ClientsAdapter(name, secrets, alg, audience, web),
      jwks: { keys: this.keys },
      findAccount: (_ctx, id) => ({
        accountId: id,
        claims: () => ({ sub: id, ...people.get(id) }),
      }),
      claims: { openid: ['sub'], email: ['email', 'email_verified'] },
      // The browser client is pre-approved, as an institution's own apps are: no consent page.
      loadExistingGrant: async (ctx) => {
        const { client, session, provider: self } = ctx.oidc;
        const existing = session?.grantIdFor(client!.clientId);
        if (existing) return self.Grant.find(existing);
        if (client?.clientId !== audience || !session?.accountId) return undefined;
        const grant = new self.Grant({ clientId: client.clientId, accountId: session.accountId });
        grant.addOIDCScope('openid email');
        await grant.save();
        return grant;
      },
      // The person's claims go into the ID token itself (the app reads no userinfo).
      conformIdTokenClaims: false,
      features: {
        devInteractions: { enabled: true },
        clientCredentials: { enabled: true },
        resourceIndicators: {
          enabled: true,
          // The browser client asks for no API access: its access token is for userinfo only.
          defaultResource: (_ctx, client) => (client?.clientId === audience ? undefined : audience),
          useGrantedResource: () => true,
          getResourceServerInfo: (_ctx, resource) => ({
            scope: '',
            audience: resource,
            accessTokenTTL: 600,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg } },
          }),
        },
      },
      extraTokenClaims: (_ctx, token) =>
        people.get((token as unknown as { clientId: string }).clientId),
    });
    return provider;
  }
}

/** People are clients of the `client_credentials` grant; everything else lives in memory. */
class ClientsAdapter implements Adapter {
  private static readonly stored = new Map<string, AdapterPayload>();

  constructor(
    private readonly model: string,
    private readonly secrets: Map<string, string>,
    private readonly alg: 'RS256' | 'ES256',
    private readonly audience: string,
    private readonly web: { redirectUri?: string; secret?: string },
  ) {}

  async find(id: string): Promise<AdapterPayload | undefined> {
    if (this.model === 'Client' && id === this.audience && this.web.redirectUri) {
      return {
        client_id: id,
        grant_types: ['authorization_code'],
        redirect_uris: [this.web.redirectUri],
        response_types: ['code'],
        ...(this.web.secret
          ? { client_secret: this.web.secret, token_endpoint_auth_method: 'client_secret_basic' }
          : { token_endpoint_auth_method: 'none' }),
        id_token_signed_response_alg: this.alg,
      };
    }
    if (this.model === 'Client') {
      const secret = this.secrets.get(id);
      return secret
        ? {
            client_id: id,
            client_secret: secret,
            grant_types: ['client_credentials'],
            redirect_uris: [],
            response_types: [],
            token_endpoint_auth_method: 'client_secret_post',
            id_token_signed_response_alg: this.alg,
          }
        : undefined;
    }
    return ClientsAdapter.stored.get(`${this.model}:${id}`);
  }

  async upsert(id: string, payload: AdapterPayload): Promise<void> {
    ClientsAdapter.stored.set(`${this.model}:${id}`, payload);
  }

  /** Sessions by uid: a code bound to the browser's session is checked against it. */
  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    for (const [key, payload] of ClientsAdapter.stored)
      if (key.startsWith(`${this.model}:`) && payload.uid === uid) return payload;
    return undefined;
  }

  async findByUserCode(): Promise<undefined> {
    return undefined;
  }

  /** Codes are single use at the provider, as at a real one. */
  async consume(id: string): Promise<void> {
    const payload = ClientsAdapter.stored.get(`${this.model}:${id}`);
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id: string): Promise<void> {
    ClientsAdapter.stored.delete(`${this.model}:${id}`);
  }

  async revokeByGrantId(): Promise<void> {}
}
