import type { Context } from '@temporalio/activity';

/** Longest gap between heartbeats: well inside the watchers' heartbeat timeout, so a dead worker is noticed fast. */
export const heartbeatEveryMs = 3000;

/** Sleeps, heartbeating at least every few seconds so the wait never looks like a dead worker. */
export async function sleepHeartbeating(context: Context, ms: number, details?: unknown): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    context.heartbeat(details);
    const left = until - Date.now();
    if (left <= 0) return;
    await context.sleep(Math.min(left, heartbeatEveryMs));
  }
}
