import type { SingleJobState } from '../model/jobSpec';
import { jobStatusKey, jobTypeKey } from '../model/searchAttributes';
import type { BatchEnvironment } from './environment';
import { listJobsQuery, type ListJobsOptions } from './listJobs';

/** One line of a job listing, read from Temporal visibility alone (no call per job). */
export interface JobSummary {
  jobId: string;
  JobType: string;
  JobStatus: string;
  JobSubmissionTime?: Date;
  JobCompletionTime?: Date;
  JobStatusReason?: string;
}

/** The environment's jobs, newest first, with their status: what `remote-batch ls` prints. */
export async function* listJobSummaries(env: BatchEnvironment, options: ListJobsOptions = {}): AsyncGenerator<JobSummary> {
  const client = await env.client();
  // A job retried (or continued as new) has several runs; the newest, listed first, is the job.
  const seen = new Set<string>();
  for await (const execution of client.workflow.list({ query: listJobsQuery(env, options) })) {
    if (seen.has(execution.workflowId)) continue;
    seen.add(execution.workflowId);
    const state = execution.memo?.state as Partial<SingleJobState> | undefined;
    const submitted = state?.submittedAt ? new Date(state.submittedAt) : execution.startTime;
    yield {
      jobId: execution.workflowId,
      JobType: execution.typedSearchAttributes.get(jobTypeKey) ?? 'Single',
      JobStatus: execution.typedSearchAttributes.get(jobStatusKey) ?? state?.status ?? 'Active',
      JobSubmissionTime: submitted,
      ...(state?.completedAt ? { JobCompletionTime: new Date(state.completedAt) } : {}),
      ...(state?.statusReason ? { JobStatusReason: state.statusReason } : {}),
    };
  }
}
