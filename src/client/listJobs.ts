import type { WorkflowExecutionInfo } from '@temporalio/client';
import { isFinished, type JobStatus, type JobType } from '../model/status';
import type { BatchEnvironment } from './environment';
import { BatchJob } from './jobObject';

export interface ListJobsOptions {
  /** 'Single' | 'Array'; all kinds when absent. */
  type?: Exclude<JobType, 'ArrayChild'>;
  status?: JobStatus;
}

function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Temporal visibility query for the jobs of one environment. */
export function listJobsQuery(env: BatchEnvironment, options: ListJobsOptions = {}): string {
  const clauses = [`RemoteBatchEnvironment = ${quote(`${env.connection}/${env.poolId}`)}`];
  if (options.type) clauses.push(`RemoteBatchJobType = ${quote(options.type)}`);
  if (options.status) clauses.push(`RemoteBatchJobStatus = ${quote(options.status)}`);
  // Only an open run can be Active or Running: a closed run that last said so was ended from outside.
  if (options.status && !isFinished(options.status)) clauses.push(`ExecutionStatus = 'Running'`);
  return clauses.join(' AND ');
}

/**
 * The newest run of each job's workflow id, newest first. A job may have more
 * than one run (a retry, or the reconciler's closing run after a terminate);
 * visibility lists open runs first, then by close time, so the first run seen
 * of an id is its latest.
 */
export async function* latestRuns(env: BatchEnvironment, options: ListJobsOptions = {}): AsyncGenerator<WorkflowExecutionInfo> {
  const client = await env.client();
  const seen = new Set<string>();
  for await (const execution of client.workflow.list({ query: listJobsQuery(env, options) })) {
    if (seen.has(execution.workflowId)) continue;
    seen.add(execution.workflowId);
    yield execution;
  }
}

/** The seed's RemoteBatchJobs: the environment's jobs, newest first, as a paged async iterator. */
export async function* listJobs(env: BatchEnvironment, options: ListJobsOptions = {}): AsyncGenerator<BatchJob> {
  for await (const execution of latestRuns(env, options)) yield new BatchJob(env, execution.workflowId);
}
