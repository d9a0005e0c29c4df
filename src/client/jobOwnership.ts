import type { WorkflowExecutionDescription } from '@temporalio/client';
import { environmentKey, jobTypeKey } from '../model/searchAttributes';
import { type OperationOptions, withTemporal } from './abort';
import type { BatchEnvironment } from './environment';
import { describeLatestRun } from './workflowRuns';

export type JobOwnership =
  /** `type` is 'Single' or 'Array' as the job's search attribute says. */
  | { kind: 'here'; type: string }
  | { kind: 'missing' }
  /** A remote-batch job of another environment, `<connection>/<pool>`. */
  | { kind: 'elsewhere'; environment: string };

/**
 * Whether a job id names a job of this environment. Workflow ids share one
 * Temporal namespace; the environment search attribute tells whose a job is.
 * A workflow that is not a remote-batch job at all is "missing".
 */
export async function jobOwnership(env: BatchEnvironment, jobId: string, options: OperationOptions = {}): Promise<JobOwnership> {
  const description = await describeJob(env, jobId, options.abortSignal);
  const owner = description?.typedSearchAttributes.get(environmentKey);
  if (owner === undefined) return { kind: 'missing' };
  if (owner !== `${env.connection}/${env.poolId}`) return { kind: 'elsewhere', environment: owner };
  return { kind: 'here', type: description!.typedSearchAttributes.get(jobTypeKey) ?? 'Single' };
}

/** The job's workflow as Temporal describes its latest run; undefined when there is none. */
export function describeJob(env: BatchEnvironment, jobId: string, signal?: AbortSignal): Promise<WorkflowExecutionDescription | undefined> {
  return withTemporal(env, signal, (client) => describeLatestRun(client, jobId));
}
