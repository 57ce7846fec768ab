import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { createServer, type Server } from 'node:http';
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
 */
export class TestOidcProvider {
  /** JWKS downloads so far, to see how often a verifier refetches. */
  jwksRequests = 0;
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
      if (request.url?.startsWith('/jwks')) ref.current!.jwksRequests++;
      void ref.current!.provider.callback()(request, response);
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
    const provider = new Provider(this.issuer, {
      adapter: (name: string) => new ClientsAdapter(name, secrets, alg),
      jwks: { keys: this.keys },
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => audience,
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
  ) {}

  async find(id: string): Promise<AdapterPayload | undefined> {
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

  async findByUid(): Promise<undefined> {
    return undefined;
  }

  async findByUserCode(): Promise<undefined> {
    return undefined;
  }

  async consume(): Promise<void> {}

  async destroy(id: string): Promise<void> {
    ClientsAdapter.stored.delete(`${this.model}:${id}`);
  }

  async revokeByGrantId(): Promise<void> {}
}
