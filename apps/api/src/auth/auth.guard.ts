import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Authenticator } from './authenticator.service';
import { IS_PUBLIC } from './public.decorator';
import { requestFrom } from './request-context';

/**
 * Global guard: every GraphQL field and HTTP route needs a verified bearer token for a
 * registered institution, unless marked @Public().
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = requestFrom(context);
    if (!request) return true;
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!isPublic) await this.authenticator.authenticate(request);
    return true;
  }
}
