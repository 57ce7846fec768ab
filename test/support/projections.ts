import type { INestApplication } from '@nestjs/common';
import { ProjectionRunner } from '@rapport/event-store';

/**
 * Runs the async projections until they report no lag. One catch-up can stop short when any
 * transaction anywhere on the server is open (the xid8 fence waits for it), so poll with a deadline.
 */
export async function caughtUp(app: INestApplication, timeoutMs = 30_000): Promise<void> {
  const runner = app.get(ProjectionRunner);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await runner.catchUpAll();
    if ((await runner.status()).every((s) => s.lagEvents === 0)) return;
    if (Date.now() > deadline) throw new Error('The projections did not catch up in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
