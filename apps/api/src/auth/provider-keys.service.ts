import { Inject, Injectable } from '@nestjs/common';
import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import { APP_CONFIG } from '../app-config.token';
import type { AppConfig } from '../config/app-config';
import { AuthError } from './auth.errors';

/** The discovery document is re-read this often (its `jwks_uri` rarely moves). */
const DISCOVERY_MAX_AGE_MS = 60 * 60_000;
/** After a failed discovery, requests are refused this long before trying again. */
const DISCOVERY_RETRY_MS = 10_000;
const FETCH_TIMEOUT_MS = 5_000;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Where a browser signs in and where the app redeems the code (authorization-code flow). */
export interface ProviderEndpoints {
  authorization: string;
  token: string;
}

interface Discovered {
  at: number;
  jwksUri?: string;
  endpoints?: ProviderEndpoints;
  keys?: JWTVerifyGetKey;
  failure?: string;
}

/**
 * Each provider's signing keys, found through OpenID discovery
 * (`{issuer}/.well-known/openid-configuration` → `jwks_uri`). jose caches the key set, refetches
 * it when a token names an unknown key id (at most once per cooldown, so forged key ids cannot
 * make us hammer the provider) and at least once per max age, so rotated keys are followed.
 */
@Injectable()
export class ProviderKeys {
  /** One slot per registered issuer (only those reach here); one discovery in flight at a time. */
  private readonly slots = new Map<string, { value?: Discovered; pending?: Promise<Discovered> }>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async keysOf(issuer: string): Promise<JWTVerifyGetKey> {
    return (await this.discovered(issuer)).keys!;
  }

  /**
   * The provider's authorization and token endpoints, from the same discovery document as its
   * keys (and under the same https rule); refused when it publishes none.
   */
  async endpointsOf(issuer: string): Promise<ProviderEndpoints> {
    const { endpoints } = await this.discovered(issuer);
    if (!endpoints)
      throw AuthError.unauthenticated(
        `The identity provider publishes no usable authorization and token endpoints (${issuer})`,
      );
    return endpoints;
  }

  private async discovered(issuer: string): Promise<Discovered> {
    let slot = this.slots.get(issuer);
    if (!slot) this.slots.set(issuer, (slot = {}));
    const s = slot;
    if (!s.pending && (!s.value || this.stale(s.value))) {
      s.pending = this.discover(issuer, s.value).then((value) => {
        s.value = value;
        s.pending = undefined;
        return value;
      });
    }
    const result = s.pending ? await s.pending : s.value!;
    if (!result.keys) throw AuthError.unauthenticated(result.failure);
    return result;
  }

  private stale(entry: Discovered): boolean {
    const age = Date.now() - entry.at;
    return entry.keys ? age > DISCOVERY_MAX_AGE_MS : age > DISCOVERY_RETRY_MS;
  }

  private async discover(issuer: string, previous: Discovered | undefined): Promise<Discovered> {
    const at = Date.now();
    const unreachable = `The identity provider of your institution could not be reached for its keys (${issuer}); try again shortly`;
    let document: {
      issuer?: unknown;
      jwks_uri?: unknown;
      authorization_endpoint?: unknown;
      token_endpoint?: unknown;
    };
    try {
      const response = await fetch(
        `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`,
        {
          signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
          redirect: 'error',
        },
      );
      if (!response.ok) return { at, failure: unreachable };
      document = (await response.json()) as typeof document;
    } catch {
      // A provider down for a moment keeps the keys it served before.
      return previous?.keys ? { ...previous, at } : { at, failure: unreachable };
    }
    // OpenID Connect Discovery §4.3: the document must name exactly the issuer it was fetched for.
    if (document.issuer !== issuer || typeof document.jwks_uri !== 'string')
      return {
        at,
        failure: `The identity provider's discovery document does not match its issuer (${issuer}); ask your institution's IT to check the provider's registration in Rapport`,
      };
    if (!this.allowed(document.jwks_uri))
      return { at, failure: `The identity provider's jwks_uri must be https (${issuer})` };
    const authorization = document.authorization_endpoint;
    const token = document.token_endpoint;
    // Optional for bearer tokens (only keys are needed); the week page's sign-in needs both.
    const endpoints =
      typeof authorization === 'string' &&
      typeof token === 'string' &&
      this.allowed(authorization) &&
      this.allowed(token)
        ? { authorization, token }
        : undefined;
    if (previous?.keys && previous.jwksUri === document.jwks_uri)
      return { ...previous, at, endpoints };
    const providers = this.config.auth.providers;
    return {
      at,
      jwksUri: document.jwks_uri,
      endpoints,
      keys: createRemoteJWKSet(new URL(document.jwks_uri), {
        timeoutDuration: FETCH_TIMEOUT_MS,
        cooldownDuration: providers?.jwksCooldownMs ?? 30_000,
        cacheMaxAge: providers?.jwksMaxAgeMs ?? 600_000,
      }),
    };
  }

  private allowed(uri: string): boolean {
    try {
      const url = new URL(uri);
      if (url.protocol === 'https:') return true;
      return (
        !this.config.production && url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)
      );
    } catch {
      return false;
    }
  }
}
