import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { JobStateError } from '../model/errors';
import type { ArrayJobState, SingleJobState } from '../model/jobStates';
import { retryRefusal } from '../model/retry';
import { jobSearchAttributes } from '../model/searchAttributes';
import type { arrayJob } from '../workflows/arrayJob';
import type { singleJob } from '../workflows/singleJob';
import type { BatchEnvironment } from './environment';
import { taskQueue } from './temporalSettings';

/** Refuses a retry of a closed run that cannot be retried, saying why. */
export function checkRetryable(state: SingleJobState | ArrayJobState, failed: boolean): void {
  const refusal = retryRefusal(state, new Date(), failed);
  if (refusal) throw new JobStateError(refusal, state.jobId);
}

/**
 * Starts a retry: a new run under the job's workflow id whose input names the
 * closed run it retries; the workflow reads everything else from that run.
 */
export async function startRetryRun(
  env: BatchEnvironment,
  workflowType: 'singleJob' | 'arrayJob',
  state: SingleJobState | ArrayJobState,
  previousRunId: string,
): Promise<void> {
  const client = await env.client();
  const attempt = state.attempts.length + 2;
  const options = {
    taskQueue,
    workflowId: state.jobId,
    args: [{ retry: { previousRunId } }] as [{ retry: { previousRunId: string } }],
    workflowIdReusePolicy: 'ALLOW_DUPLICATE' as const,
    typedSearchAttributes: jobSearchAttributes({ status: 'Active', type: workflowType === 'singleJob' ? 'Single' : 'Array', poolId: state.poolId, jobId: state.jobId, connection: env.connection }),
    staticSummary: `Retry of ${workflowType === 'singleJob' ? 'single' : 'array'} job ${state.jobId} (attempt ${attempt}) on pool ${state.poolId}`,
    staticDetails: `Reruns what failed in run ${previousRunId}, over the same Azure job.`,
  };
  try {
    if (workflowType === 'singleJob') await client.workflow.start<typeof singleJob>('singleJob', options);
    else await client.workflow.start<typeof arrayJob>('arrayJob', options);
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) throw new JobStateError(`${state.jobId} is already being retried.`, state.jobId);
    throw error;
  }
}
