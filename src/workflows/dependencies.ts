import type { DependencyVerdict, JobDependencies } from '../model/dependencies';
import type { AbortRequests } from './aborts';
import { watcher } from './activityProxies';
import { unlessAborted } from './cancellation';

/**
 * Waits, before anything is created in Azure, until the jobs this one depends
 * on meet its condition ('go') or no longer can ('never'); `onWaiting` is told
 * each new reason it waits. 'aborted' when an abort came first.
 */
export async function awaitDependencies(
  after: JobDependencies,
  aborts: AbortRequests,
  onWaiting: (reason: string) => void,
): Promise<Exclude<DependencyVerdict, { kind: 'wait' }> | 'aborted'> {
  let lastReason: string | undefined;
  for (;;) {
    const verdict = await unlessAborted(() => aborts.requested, () => watcher.waitForDependencies({ after, ...(lastReason !== undefined ? { lastReason } : {}) }));
    if (verdict === 'aborted' || verdict.kind !== 'wait') return verdict;
    lastReason = verdict.reason;
    onWaiting(verdict.reason);
  }
}
