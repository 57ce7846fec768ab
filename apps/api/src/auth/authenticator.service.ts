import { Injectable } from '@nestjs/common';
import { SignIn } from '../identity/sign-in.service';
import type { Actor } from './actor';
import { AuthError } from './auth.errors';
import type { RapportRequest } from './request-context';
import { TenantDirectory } from './tenant-directory.service';
import { TokenService } from './token.service';

/**
 * Who sent a request: a verified bearer token, and the person in Rapport it stands for. The
 * result is kept on the request, so the guard (per field) and the rate limiter (per operation)
 * verify once, and a first sign-in links its account once.
 */
@Injectable()
export class Authenticator {
  private readonly inFlight = new WeakMap<RapportRequest, Promise<Actor>>();

  constructor(
    private readonly tokens: TokenService,
    private readonly tenants: TenantDirectory,
    private readonly signIn: SignIn,
  ) {}

  async authenticate(request: RapportRequest): Promise<Actor> {
    if (request.actor) return request.actor;
    let pending = this.inFlight.get(request);
    if (!pending) {
      pending = this.resolve(request);
      this.inFlight.set(request, pending);
    }
    const actor = await pending;
    request.actor = actor;
    return actor;
  }

  /** The same, for callers that treat a missing or bad token as anonymous. */
  async tryAuthenticate(request: RapportRequest): Promise<Actor | null> {
    try {
      return await this.authenticate(request);
    } catch (error) {
      if (error instanceof AuthError) return null;
      throw error;
    }
  }

  private async resolve(request: RapportRequest): Promise<Actor> {
    const token = bearerToken(request.headers.authorization);
    if (!token) throw AuthError.unauthenticated();
    const verified = await this.tokens.verify(token);
    // A provider's issuer names a registered institution; Rapport's own claims name any tenant.
    if (verified.kind === 'provider')
      return this.signIn.actorFor(verified.identity, request.correlationId);
    if (!(await this.tenants.exists(verified.actor.tenantId))) {
      throw AuthError.unauthenticated('The token names an institution that does not exist');
    }
    return verified.actor;
  }
}

export function headerValue(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first && first.length <= 8192 ? first : undefined;
}

/** The token of an `Authorization: Bearer <token>` header. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  return headerValue(header)?.match(/^Bearer\s+(\S+)$/i)?.[1];
}
