import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Authenticator } from '../auth/authenticator.service';
import type { RapportRequest } from '../auth/request-context';
import { RateLimitService } from './rate-limit.service';

/**
 * HTTP routes (exports) cost one operation each for a signed-in caller. GraphQL is charged by
 * the plugin, per operation; public routes (health, metrics, unsubscribe) are not charged.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly limits: RateLimitService,
    private readonly authenticator: Authenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType<string>() !== 'http') return true;
    const request = context.switchToHttp().getRequest<RapportRequest>();
    const actor = await this.authenticator.tryAuthenticate(request);
    if (actor) await this.limits.charge({ actor }, 1);
    return true;
  }
}
