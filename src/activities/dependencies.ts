import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { describeLatestRun } from '../client/workflowRuns';
import { type DependencyFacts, type DependencyVerdict, dependencyVerdict, type JobDependencies } from '../model/dependencies';
import type { ArrayJobState, SingleJobState } from '../model/jobStates';
import { jobStatusKey } from '../model/searchAttributes';
import type { JobStatus } from '../model/status';
import { sleepHeartbeating } from './heartbeat';

/** A dependency's latest run, as its memo (or, before its first write, its search attributes) says. */
async function factsOf(client: Client, jobId: string): Promise<DependencyFacts> {
  const description = await describeLatestRun(client, jobId);
  if (!description) return { jobId, exists: false };
  const state = description.memo?.state as Partial<SingleJobState & ArrayJobState> | undefined;
  return {
    jobId,
    exists: true,
    status: (state?.status ?? description.typedSearchAttributes.get(jobStatusKey)) as JobStatus | undefined,
    failedChildren: state?.counts?.failed,
    aborted: state?.abortReason !== undefined,
    retryUntil: state?.retryUntil,
  };
}

export function dependencyActivities() {
  return {
    /**
     * Watches the jobs a job depends on until their outcomes meet its
     * condition, never can, or the reason it waits changes from `lastReason`
     * (so the workflow can show it). Heartbeats while it waits.
     */
    async waitForDependencies(input: { after: JobDependencies; lastReason?: string }): Promise<DependencyVerdict> {
      const context = Context.current();
      for (let intervalMs = 500; ; intervalMs = Math.min(intervalMs * 1.5, 5000)) {
        const facts = await Promise.all(input.after.jobIds.map((jobId) => factsOf(context.client, jobId)));
        const verdict = dependencyVerdict(input.after, facts, new Date());
        if (verdict.kind !== 'wait' || verdict.reason !== input.lastReason) return verdict;
        await sleepHeartbeating(context, intervalMs);
      }
    },
  };
}
