import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { randomUUID } from 'node:crypto';
import { AuthError } from './auth.errors';
import { IS_PUBLIC } from './public.decorator';
import { requestOf } from './request-context';
import { TenantDirectory } from './tenant-directory.service';
import { TokenService } from './token.service';

/** Global guard: every GraphQL field needs a verified bearer token unless marked @Public(). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly tenants: TenantDirectory,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType<string>() !== 'graphql') return true;
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    const request = requestOf(GqlExecutionContext.create(context).getContext());
    request.correlationId ??= headerValue(request.headers['x-correlation-id']) ?? randomUUID();
    if (isPublic) return true;
    if (request.actor) return true;
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

function headerValue(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first && first.length <= 8192 ? first : undefined;
}
