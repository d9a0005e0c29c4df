import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import type { ArrayJobState } from '../model/arrayJob';
import type { SingleJobState } from '../model/jobSpec';
import { retryRefusal } from '../model/retry';
import { jobSearchAttributes } from '../model/searchAttributes';
import type { BatchEnvironment } from './environment';
import { JobNotFoundError } from './jobState';
import { taskQueue } from './temporalSettings';

/** The job's latest run: whether it still runs, its id, and its state (memo). */
export async function latestRun<T>(env: BatchEnvironment, jobId: string): Promise<{ running: boolean; runId: string; state: T }> {
  try {
    const description = await (await env.client()).workflow.getHandle(jobId).describe();
    return { running: description.status.name === 'RUNNING', runId: description.runId, state: description.memo?.state as T };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw new JobNotFoundError(jobId, env);
    throw error;
  }
}

/** Refuses (RangeError) a retry of a closed run that cannot be retried, saying why. */
export function checkRetryable(state: SingleJobState | ArrayJobState, failed: boolean): void {
  const refusal = retryRefusal(state, new Date(), failed);
  if (refusal) throw new RangeError(refusal);
}

/**
 * Starts a retry: a new run under the job's workflow id whose input names the
 * closed run it retries; the workflow reads everything else from that run.
 * `resumed` is the state readers see until the new run publishes its own.
 */
export async function startRetryRun(
  env: BatchEnvironment,
  workflowType: 'singleJob' | 'arrayJob',
  jobId: string,
  previousRunId: string,
  resumed: SingleJobState | ArrayJobState,
): Promise<void> {
  const client = await env.client();
  const attempt = (resumed.attempts?.length ?? 0) + 1;
  try {
    await client.workflow.start(workflowType, {
      taskQueue,
      workflowId: jobId,
      args: [{ retry: { previousRunId } } as never],
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      memo: { state: resumed },
      typedSearchAttributes: jobSearchAttributes({
        status: 'Active',
        type: workflowType === 'singleJob' ? 'Single' : 'Array',
        poolId: resumed.poolId,
        jobId,
        connection: env.connection,
      }),
      staticSummary: `Retry of ${workflowType === 'singleJob' ? 'single' : 'array'} job ${jobId} (attempt ${attempt}) on pool ${resumed.poolId}`,
      staticDetails: `Reruns what failed in run ${previousRunId}, over the same Azure job.`,
    });
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) throw new RangeError(`${jobId} is already being retried.`);
    throw error;
  }
}
