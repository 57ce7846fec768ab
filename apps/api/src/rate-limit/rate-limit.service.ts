import { Inject, Injectable } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { APP_CONFIG } from '../app-config.token';
import type { Actor } from '../auth/actor';
import type { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { RateLimitError } from './rate-limit.errors';

const WINDOW_SECONDS = 60;

/** Who pays for an operation: a verified actor, or an anonymous address. */
export type Caller = { actor: Actor } | { address: string };

export function callerOf(actor: Actor | null, request: { ip?: string }): Caller {
  return actor ? { actor } : { address: request.ip ?? 'unknown' };
}

/**
 * Operation budgets per user and per institution, and request budgets per client address for
 * callers without a token, over a one-minute window, kept in this process (each API process
 * allows the full budget; see ADR 0010 and ADR 0012).
 */
@Injectable()
export class RateLimitService {
  private readonly perUser: RateLimiterMemory | null;
  private readonly perTenant: RateLimiterMemory | null;
  private readonly perAddress: RateLimiterMemory | null;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly metrics: MetricsService,
  ) {
    const limits = config.rateLimit;
    this.perUser = limits.enabled
      ? new RateLimiterMemory({ points: limits.userOpsPerMinute, duration: WINDOW_SECONDS })
      : null;
    this.perTenant = limits.enabled
      ? new RateLimiterMemory({ points: limits.tenantOpsPerMinute, duration: WINDOW_SECONDS })
      : null;
    this.perAddress = limits.enabled
      ? new RateLimiterMemory({ points: limits.publicPerMinute, duration: WINDOW_SECONDS })
      : null;
  }

  /** Off (RATE_LIMIT=off): nothing is charged, so nobody need find out who the caller is. */
  get enabled(): boolean {
    return this.perUser !== null;
  }

  /** Charges `operations` to the caller and their institution, or throws RateLimitError. */
  async charge(caller: Caller, operations: number): Promise<void> {
    if (!this.perUser || !this.perTenant || !this.perAddress) return;
    try {
      if (!('actor' in caller)) {
        await consume(this.perAddress, caller.address, operations, 'user');
        return;
      }
      const userKey = `${caller.actor.tenantId}:${caller.actor.subject}`;
      await consume(this.perUser, userKey, operations, 'user');
      try {
        await consume(this.perTenant, caller.actor.tenantId, operations, 'tenant');
      } catch (error) {
        // Refused by the institution's budget: the user's own budget is not spent.
        await this.perUser.reward(userKey, operations);
        throw error;
      }
    } catch (error) {
      if (error instanceof RateLimitError) this.metrics.refusedByRateLimit(error.scope);
      throw error;
    }
  }
}

async function consume(
  limiter: RateLimiterMemory,
  key: string,
  points: number,
  scope: RateLimitError['scope'],
): Promise<void> {
  try {
    await limiter.consume(key, points);
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) {
      // A refused request did nothing, so it costs nothing: the caller may spend the rest.
      await limiter.reward(key, points);
      throw new RateLimitError(scope, Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
    }
    throw rejection;
  }
}
