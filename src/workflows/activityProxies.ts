import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

/** Retrying cannot fix these: the input or the configuration is wrong. */
const nonRetryableErrorTypes = ['InvalidInput', 'PoolNotFound', 'JobExists', 'ConnectionNotFoundError', 'ConnectionsFileError'];

/** Short Azure calls. */
export const azure = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes },
});

/** Long-running watchers and bulk work: they heartbeat, so a lost worker is noticed within the heartbeat timeout. */
export const watcher = proxyActivities<Activities>({
  startToCloseTimeout: '30 days',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', nonRetryableErrorTypes },
});
