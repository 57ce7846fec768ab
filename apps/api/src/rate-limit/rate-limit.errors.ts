export enum RateLimitErrorCode {
  RateLimited = 'RATE_LIMITED',
}

/** The caller (or their whole institution) used up its operation budget for the window. */
export class RateLimitError extends Error {
  readonly code = RateLimitErrorCode.RateLimited;

  constructor(
    readonly scope: 'user' | 'tenant',
    readonly retryAfterSeconds: number,
  ) {
    super(
      scope === 'user'
        ? `Too many operations; try again in ${retryAfterSeconds} s`
        : `Your institution made too many operations; try again in ${retryAfterSeconds} s`,
    );
    this.name = 'RateLimitError';
  }
}
