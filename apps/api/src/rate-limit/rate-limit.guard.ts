import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Authenticator } from '../auth/authenticator.service';
import type { RapportRequest } from '../auth/request-context';
import { callerOf, RateLimitService } from './rate-limit.service';

/**
 * HTTP routes cost one operation each: a signed-in caller pays from their own and their
 * institution's budget; anyone else, public routes included (health, metrics, unsubscribe),
 * from their address's. GraphQL is charged by the plugin, per operation.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly limits: RateLimitService,
    private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType<string>() !== 'http' || !this.limits.enabled) return true;
    const request = context.switchToHttp().getRequest<RapportRequest>();
    const actor = await this.authenticator.tryAuthenticate(request);
    await this.limits.charge(callerOf(actor, request), 1);
    return true;
  }
}
