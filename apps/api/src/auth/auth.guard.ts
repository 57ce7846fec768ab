import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { randomUUID } from 'node:crypto';
import { AuthError } from './auth.errors';
import { IS_PUBLIC } from './public.decorator';
import { type RapportRequest, requestOf } from './request-context';
import { TenantDirectory } from './tenant-directory.service';
import { TokenService } from './token.service';

/**
 * Global guard: every GraphQL field and HTTP route needs a verified bearer token for a
 * registered institution, unless marked @Public().
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly tenants: TenantDirectory,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = requestFrom(context);
    if (!request) return true;
    request.correlationId ??= headerValue(request.headers['x-correlation-id']) ?? randomUUID();
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic || request.actor) return true;
    const header = headerValue(request.headers.authorization);
    const token = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (!token) throw AuthError.unauthenticated();
    const actor = await this.tokens.verify(token);
    if (!(await this.tenants.exists(actor.tenantId))) {
      throw AuthError.unauthenticated('The token names an institution that does not exist');
    }
    request.actor = actor;
    return true;
  }
}

function requestFrom(context: ExecutionContext): RapportRequest | null {
  switch (context.getType<string>()) {
    case 'graphql':
      return requestOf(GqlExecutionContext.create(context).getContext());
    case 'http':
      return context.switchToHttp().getRequest<RapportRequest>();
    default:
      return null;
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first && first.length <= 8192 ? first : undefined;
}
