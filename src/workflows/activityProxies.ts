import { ActivityCancellationType, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

/** A worker that died is noticed within this (activities heartbeat every few seconds: src/activities/heartbeat.ts). */
const heartbeatTimeout = '12 seconds';

/** Short Azure calls; the longer ones heartbeat too, so a dead worker never holds them for minutes. */
export const azure = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout,
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/**
 * The same short Azure calls as local activities: run in the worker that runs
 * the workflow task, their results recorded as markers, so a chain of them
 * costs no workflow task round trip each. Each is idempotent, so one re-run
 * after a worker is lost mid-task is harmless.
 */
export const azureLocal = proxyLocalActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  localRetryThreshold: '10 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '1 minute' },
});

/**
 * Long-running watchers and bulk work: they heartbeat, so a lost worker is
 * noticed within the heartbeat timeout. Cancelled (an abort), the workflow
 * goes on only once the activity has stopped: it never writes after the abort
 * has, and a closed run shows no activity still pending.
 */
export const watcher = proxyActivities<Activities>({
  startToCloseTimeout: '30 days',
  heartbeatTimeout,
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});
