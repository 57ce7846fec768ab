import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  createRemoteJWKSet,
  decodeJwt,
  errors,
  type CompactJWSHeaderParameters,
  type JWTPayload,
  jwtVerify,
  type JWTVerifyGetKey,
  SignJWT,
} from 'jose';
import { APP_CONFIG } from '../app-config.token';
import type { AppConfig } from '../config/app-config';
import { persistentSecret } from '../config/persistent-secret';
import type { ProviderIdentity } from '../identity/sign-in.service';
import { type Actor, type Role, ROLES } from './actor';
import { AuthError } from './auth.errors';
import { IssuerDirectory, type IssuerEntry } from './issuer-directory.service';
import { ProviderKeys } from './provider-keys.service';
import { AuthClock } from './auth-clock';

/** Leeway for the identity provider's clock on `exp`, `nbf` and `iat`. */
const CLOCK_TOLERANCE_SECONDS = 30;

const DEV_TOKEN_SECONDS = 30 * 24 * 60 * 60;

/** ADR 12: an identity provider's token is refused a day after it was issued, unless configured. */
const PROVIDER_MAX_AGE_SECONDS = 24 * 60 * 60;
const ASYMMETRIC = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'EdDSA',
];
/** Verified tokens remembered (least recently used first out): a few MB at most. */
export const VERIFIED_TOKENS_KEPT = 10_000;
// OpenID Connect Core §2: a subject is at most 255 ASCII characters.
const MAX_SUBJECT = 255;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface RapportClaims extends JWTPayload {
  tenant?: unknown;
  role?: unknown;
  student_id?: unknown;
}

/**
 * What a verified token says: Rapport's own claims (development tokens, or the single provider of
 * JWT_JWKS_URL), or an account of an institution's own provider, whose person is looked up next.
 */
export type VerifiedToken =
  { kind: 'rapport'; actor: Actor } | { kind: 'provider'; identity: ProviderIdentity };

/** A verification remembered until the token would be refused for its age. */
interface Remembered {
  result: VerifiedToken;
  /** Milliseconds (on the auth clock) from which the token is checked again. */
  until: number;
  /** For a provider's token: the registration it was verified under. */
  entry?: IssuerEntry;
  /** For a token checked with a published key set: whether its key is still published. */
  keyStillPublished?: () => Promise<boolean>;
}

/**
 * A key set's getter that notes the key it gave, so that later the same header can be asked
 * again: the same key back means the key set the token was verified with is still current.
 */
function tracked(current: () => Promise<JWTVerifyGetKey>) {
  let header: CompactJWSHeaderParameters | undefined;
  let given: unknown;
  const getKey = (async (protectedHeader: CompactJWSHeaderParameters, token: never) => {
    header = protectedHeader;
    given = await (await current())(protectedHeader, token);
    return given;
  }) as JWTVerifyGetKey;
  const stillPublished = async (): Promise<boolean> => {
    try {
      // A refetched key set gives new key objects: the token is then simply checked again.
      return (
        header !== undefined && (await (await current())(header, undefined as never)) === given
      );
    } catch {
      return false;
    }
  };
  return { getKey, stillPublished };
}

/**
 * Bearer JWTs. A token whose issuer is an institution's registered provider is verified with that
 * provider's keys and carries only standard claims (docs/adr/0015). Any other token is Rapport's
 * own: HS256 in development and tests (JWT_SECRET, or a secret generated once into the data
 * directory so dev tokens survive restarts), or JWT_JWKS_URL with issuer and audience.
 */
@Injectable()
export class TokenService {
  private readonly verifyKey: Uint8Array | JWTVerifyGetKey;
  private readonly secret: Uint8Array | null;
  /**
   * What the signature and claims of a token said, not who may do what: whether the person still
   * exists, is active and is linked is checked on every request after this (docs/adr/0031).
   */
  private readonly remembered = new Map<string, Remembered>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    // Absent where tokens are only signed (the `token` CLI).
    @Optional() private readonly issuers?: IssuerDirectory,
    @Optional() private readonly providerKeys?: ProviderKeys,
    @Optional() private readonly clock: AuthClock = new AuthClock(),
  ) {
    const auth = config.auth;
    if (auth.jwksUrl) {
      this.secret = null;
      this.verifyKey = createRemoteJWKSet(new URL(auth.jwksUrl));
    } else {
      this.secret = new TextEncoder().encode(
        auth.secret ?? persistentSecret(config.dataDir, 'jwt-secret'),
      );
      this.verifyKey = this.secret;
    }
  }

  async verify(token: string): Promise<VerifiedToken> {
    const now = this.clock.now();
    const known = this.remembered.get(token);
    if (known) {
      this.remembered.delete(token);
      if (
        known.until > now &&
        (!known.entry || this.stillRegistered(known.entry)) &&
        (!known.keyStillPublished || (await known.keyStillPublished()))
      ) {
        this.remembered.set(token, known); // most recently used last
        return known.result;
      }
    }
    const verified = await this.verifyNow(token, now);
    if (verified.until > now) {
      if (this.remembered.size >= VERIFIED_TOKENS_KEPT)
        this.remembered.delete(this.remembered.keys().next().value!);
      this.remembered.set(token, verified);
    }
    return verified.result;
  }

  /** The institution still signs its people in with this provider, under the same settings. */
  private stillRegistered(entry: IssuerEntry): boolean {
    const current = this.issuers?.get(entry.issuer);
    return (
      current !== undefined &&
      (current === entry ||
        (current.tenantId === entry.tenantId &&
          current.audience === entry.audience &&
          current.emailClaim === entry.emailClaim &&
          current.externalIdClaim === entry.externalIdClaim))
    );
  }

  private async verifyNow(token: string, now: number): Promise<Remembered> {
    let issuer: string | undefined;
    try {
      issuer = decodeJwt(token).iss;
    } catch {
      throw AuthError.unauthenticated('The bearer token is invalid or expired');
    }
    // The development issuer (or none) is Rapport's own; any other must be registered.
    if (issuer !== undefined && issuer !== this.config.auth.issuer) {
      const entry = this.issuers?.get(issuer);
      if (!entry || !this.providerKeys)
        throw AuthError.unauthenticated(
          "The token's issuer is not the identity provider of any institution in Rapport; an admin of your institution registers it with setIdentityProvider",
        );
      const maxAge = this.config.auth.maxTokenAgeSeconds ?? PROVIDER_MAX_AGE_SECONDS;
      const keys = tracked(() => this.providerKeys!.keysOf(entry.issuer));
      const { identity, claims } = await this.verifyWithProvider(token, entry, now, keys.getKey);
      return {
        result: { kind: 'provider', identity },
        until: refusedFrom(claims, maxAge),
        entry,
        keyStillPublished: keys.stillPublished,
      };
    }
    const verifyKey = this.verifyKey;
    const keys =
      verifyKey instanceof Uint8Array ? undefined : tracked(() => Promise.resolve(verifyKey));
    const claims = await this.verifyRapport(token, now, keys?.getKey ?? verifyKey);
    return {
      result: { kind: 'rapport', actor: toActor(claims) },
      until: refusedFrom(claims, this.config.auth.maxTokenAgeSeconds),
      keyStillPublished: keys?.stillPublished,
    };
  }

  /**
   * An ID token from the authorization-code flow of the week page (docs/adr/0020): verified like
   * a bearer token of that institution (same keys, issuer, audience = the registered client id,
   * expiry), plus the nonce the sign-in started with.
   */
  async verifyIdToken(
    idToken: string,
    entry: IssuerEntry,
    nonce: string,
  ): Promise<ProviderIdentity> {
    if (!this.providerKeys) throw new Error('provider keys are not available here');
    const keys = await this.providerKeys.keysOf(entry.issuer);
    return (await this.verifyWithProvider(idToken, entry, this.clock.now(), keys, nonce)).identity;
  }

  private async verifyWithProvider(
    token: string,
    entry: IssuerEntry,
    now: number,
    keys: JWTVerifyGetKey,
    nonce?: string,
  ): Promise<{ identity: ProviderIdentity; claims: JWTPayload }> {
    let claims: JWTPayload;
    try {
      ({ payload: claims } = await jwtVerify(token, keys, {
        algorithms: ASYMMETRIC,
        issuer: entry.issuer,
        audience: entry.audience,
        requiredClaims: ['iss', 'aud', 'exp', 'sub'],
        maxTokenAge: this.config.auth.maxTokenAgeSeconds ?? PROVIDER_MAX_AGE_SECONDS,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: new Date(now),
      }));
    } catch (error) {
      throw AuthError.unauthenticated(rejection(error));
    }
    if (!claims.sub || claims.sub.length > MAX_SUBJECT)
      throw AuthError.unauthenticated('The token has no valid subject (sub)');
    if (nonce !== undefined) {
      // OpenID Connect Core §3.1.3.7: the nonce binds the ID token to this sign-in, and a token
      // for several audiences must name us as the party it was issued to.
      if (claims.nonce !== nonce)
        throw AuthError.unauthenticated('The ID token does not belong to this sign-in (nonce)');
      if (Array.isArray(claims.aud) && claims.aud.length > 1 && claims.azp !== entry.audience)
        throw AuthError.unauthenticated('The ID token was issued to another party (azp)');
    }
    const email = claims[entry.emailClaim];
    const externalId = entry.externalIdClaim ? claims[entry.externalIdClaim] : undefined;
    const identity: ProviderIdentity = {
      tenantId: entry.tenantId,
      issuer: entry.issuer,
      subject: claims.sub,
      claims: {
        // Only an address the provider verified can stand for the person.
        verifiedEmail:
          claims.email_verified === true && typeof email === 'string' && email.trim()
            ? email.trim().toLowerCase()
            : null,
        externalId:
          typeof externalId === 'string' && externalId.trim()
            ? externalId.trim()
            : typeof externalId === 'number'
              ? String(externalId)
              : null,
      },
    };
    return { identity, claims };
  }

  private async verifyRapport(
    token: string,
    now: number,
    key: Uint8Array | JWTVerifyGetKey,
  ): Promise<RapportClaims> {
    let claims: RapportClaims;
    try {
      const { payload } = await jwtVerify<RapportClaims>(token, key as Uint8Array, {
        algorithms: this.secret ? ['HS256'] : ['RS256', 'ES256', 'PS256', 'EdDSA'],
        issuer: this.config.auth.issuer,
        audience: this.config.auth.audience,
        // A token without an expiry would be valid forever; with a max age it needs `iat` too.
        requiredClaims: ['exp'],
        maxTokenAge: this.config.auth.maxTokenAgeSeconds,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: new Date(now),
      });
      claims = payload;
    } catch (error) {
      throw AuthError.unauthenticated(rejection(error));
    }
    return claims;
  }

  /**
   * Development tokens (the `npm run token` CLI, tests, demo data), valid for `expiresIn` (a jose
   * duration such as `2h`); by default 30 days, or JWT_MAX_AGE_SECONDS when that is shorter.
   */
  async sign(actor: Actor, expiresIn?: string): Promise<string> {
    if (!this.secret)
      throw new Error('tokens are issued by the identity provider when JWT_JWKS_URL is set');
    const maxAge = this.config.auth.maxTokenAgeSeconds;
    const now = Math.floor(Date.now() / 1000);
    let jwt = new SignJWT({ tenant: actor.tenantId, role: actor.role, student_id: actor.studentId })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(actor.subject)
      .setIssuedAt(now)
      .setExpirationTime(expiresIn ?? now + Math.min(DEV_TOKEN_SECONDS, maxAge ?? Infinity));
    if (this.config.auth.issuer) jwt = jwt.setIssuer(this.config.auth.issuer);
    if (this.config.auth.audience) jwt = jwt.setAudience(this.config.auth.audience);
    const token = await jwt.sign(this.secret);
    // Such a token would be refused before it expires: say so now rather than at first use.
    if (maxAge !== undefined && (decodeJwt(token).exp ?? 0) - now > maxAge) {
      throw new Error(
        `a token valid for ${expiresIn} outlasts JWT_MAX_AGE_SECONDS=${maxAge}; ask for a shorter one`,
      );
    }
    return token;
  }
}

/**
 * When a verified token stops being taken on trust: its expiry, or its issue time plus the max
 * age (in ms). The clock tolerance is left out, so a remembered token never outlives `exp`.
 */
function refusedFrom(claims: JWTPayload, maxAgeSeconds: number | undefined): number {
  const exp = claims.exp ?? 0;
  const byAge =
    maxAgeSeconds !== undefined && claims.iat !== undefined ? claims.iat + maxAgeSeconds : exp;
  return Math.min(exp, byAge) * 1000;
}

/** Why a token was refused, in words a developer holding it can act on. */
function rejection(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'The bearer token has expired or is too old';
  if (error instanceof errors.JWTClaimValidationFailed && error.reason === 'missing') {
    if (error.claim === 'exp') return 'The bearer token has no expiry (exp)';
    if (error.claim === 'iat') return 'The bearer token has no issue time (iat)';
    return `The bearer token has no ${error.claim} claim`;
  }
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'aud')
    return 'The bearer token is not for Rapport (its aud is not the registered audience)';
  if (error instanceof errors.JWKSNoMatchingKey)
    return 'The bearer token is signed with a key its provider does not publish';
  // A key set that could not be fetched fails outside jose's own errors.
  if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError))
    return 'The identity provider of your institution could not be reached for its keys; try again shortly';
  return 'The bearer token is invalid or expired';
}

function toActor(claims: RapportClaims): Actor {
  const role = claims.role as Role;
  if (!claims.sub) throw AuthError.unauthenticated('The token has no subject');
  if (typeof claims.tenant !== 'string' || !UUID.test(claims.tenant)) {
    throw AuthError.unauthenticated('The token has no valid tenant claim');
  }
  if (!ROLES.includes(role)) throw AuthError.unauthenticated('The token has no valid role claim');
  const studentId = typeof claims.student_id === 'string' ? claims.student_id : undefined;
  if (role === 'student' && !studentId)
    throw AuthError.unauthenticated('A student token needs a student_id claim');
  return { subject: claims.sub, tenantId: claims.tenant.toLowerCase(), role, studentId };
}
