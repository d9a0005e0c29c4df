import type { JobStatus, JobType } from '../model/status';
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
  return clauses.join(' AND ');
}

/** The seed's RemoteBatchJobs: the environment's jobs, newest first, as a paged async iterator. */
export async function* listJobs(env: BatchEnvironment, options: ListJobsOptions = {}): AsyncGenerator<BatchJob> {
  const client = await env.client();
  // A job retried (or continued as new) has several runs; the newest, listed first, is the job.
  const seen = new Set<string>();
  for await (const execution of client.workflow.list({ query: listJobsQuery(env, options) })) {
    if (seen.has(execution.workflowId)) continue;
    seen.add(execution.workflowId);
    yield new BatchJob(env, execution.workflowId);
  }
}
