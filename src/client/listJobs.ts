import type { BatchEnvironment } from './environment';
import { BatchJob } from './jobObject';
import { listJobSummaries, type ListJobsOptions } from './jobSummaries';

export { listJobsQuery, type ListJobsOptions } from './jobSummaries';

/** The seed's RemoteBatchJobs: the environment's jobs, newest first. */
export async function* listJobs(env: BatchEnvironment, options: ListJobsOptions = {}): AsyncGenerator<BatchJob> {
  for (const summary of await listJobSummaries(env, options)) yield new BatchJob(env, summary.jobId);
}
