import type { DependencyVerdict, JobDependencies } from '../model/dependencies';
import type { ArrayJobState, SingleJobState } from '../model/jobStates';
import type { AbortRequests } from './aborts';
import { watcher } from './activityProxies';
import { unlessAborted } from './cancellation';
import type { JobRecord } from './jobRecord';

/**
 * Waits, before anything is created in Azure, until the jobs this one depends
 * on meet its condition ('go') or no longer can ('never'), each new reason it
 * waits shown as its JobStatusReason until then. 'aborted' when an abort came first.
 */
export async function awaitDependencies(
  after: JobDependencies,
  aborts: AbortRequests,
  record: JobRecord<SingleJobState | ArrayJobState>,
): Promise<Exclude<DependencyVerdict, { kind: 'wait' }> | 'aborted'> {
  let lastReason: string | undefined;
  for (;;) {
    const verdict = await unlessAborted(() => aborts.requested, () => watcher.waitForDependencies({ after, ...(lastReason !== undefined ? { lastReason } : {}) }));
    if (verdict !== 'aborted' && verdict.kind === 'go') delete record.state.statusReason;
    if (verdict === 'aborted' || verdict.kind !== 'wait') return verdict;
    lastReason = verdict.reason;
    record.state.statusReason = verdict.reason;
    record.publish('Waiting for the jobs it depends on.');
  }
}
