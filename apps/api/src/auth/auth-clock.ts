import { Injectable } from '@nestjs/common';

/**
 * The time tokens are checked against, so tests can move it past an expiry without sleeping
 * and without recording events in the future.
 */
@Injectable()
export class AuthClock {
  private offsetMs = 0;
  now(): number {
    return Date.now() + this.offsetMs;
  }
  /** Tests: moves token time forward. */
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
