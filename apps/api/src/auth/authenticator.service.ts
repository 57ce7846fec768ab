import { Injectable } from '@nestjs/common';
import type { Actor } from './actor';
import { AuthError } from './auth.errors';
import type { RapportRequest } from './request-context';
import { TenantDirectory } from './tenant-directory.service';
import { TokenService } from './token.service';

/**
 * Who sent a request: a verified bearer token for a registered institution. The result is kept
 * on the request, so the guard (per field) and the rate limiter (per operation) verify once.
 */
@Injectable()
export class Authenticator {
  constructor(
    private readonly tokens: TokenService,
    private readonly tenants: TenantDirectory,
  ) {}

  async authenticate(request: RapportRequest): Promise<Actor> {
    if (request.actor) return request.actor;
    const token = bearerToken(request.headers.authorization);
    if (!token) throw AuthError.unauthenticated();
    const actor = await this.tokens.verify(token);
    if (!(await this.tenants.exists(actor.tenantId))) {
      throw AuthError.unauthenticated('The token names an institution that does not exist');
    }
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
}

export function headerValue(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first && first.length <= 8192 ? first : undefined;
}

/** The token of an `Authorization: Bearer <token>` header. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  return headerValue(header)?.match(/^Bearer\s+(\S+)$/i)?.[1];
}
