import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

/** Retrying cannot fix these: the input or the configuration is wrong. */
const nonRetryableErrorTypes = ['InvalidInput', 'PoolNotFound', 'JobExists', 'ConnectionNotFoundError', 'ConnectionsFileError'];

/** A worker that died is noticed within this (activities heartbeat every few seconds: src/activities/heartbeat.ts). */
const heartbeatTimeout = '12 seconds';

/** Short Azure calls; the longer ones heartbeat too, so a dead worker never holds them for minutes. */
export const azure = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout,
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes },
});

/** Long-running watchers and bulk work: they heartbeat, so a lost worker is noticed within the heartbeat timeout. */
export const watcher = proxyActivities<Activities>({
  startToCloseTimeout: '30 days',
  heartbeatTimeout,
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', nonRetryableErrorTypes },
});
