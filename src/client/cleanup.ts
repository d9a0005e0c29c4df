import { WorkflowNotFoundError } from '@temporalio/client';
import { azureJobIdKey, environmentKey, jobStatusKey, jobTypeKey } from '../model/searchAttributes';
import type { JobStatus } from '../model/status';
import type { BatchEnvironment } from './environment';
import { listJobsQuery } from './jobSummaries';
import { JobNotFoundError } from './jobState';

export interface DeleteJobOptions {
  /** Also delete the job's workflow (its history; it no longer lists). Default: keep it. */
  deleteWorkflow?: boolean;
}

/** What deleting a job removed; a part already gone is 'absent', so deleting twice is harmless. */
export interface DeletedJob {
  jobId: string;
  JobType: string;
  JobStatus: string;
  /** The Azure job's id (ProviderJobID); its blob container is job-<id>. */
  azureJobId: string;
  azureJob: 'deleted' | 'absent';
  container: 'deleted' | 'absent';
  workflow: 'deleted' | 'kept';
}

/** A job whose workflow is still running: its Azure job and blobs are in use. */
export class JobInProgressError extends Error {
  constructor(readonly jobId: string, status: string) {
    super(
      `${jobId} is still in progress (${status}; its workflow is running, or an array is open for retry): abort it first ` +
        `(remote-batch abort ${jobId}), or wait for it to end; nothing was deleted.`,
    );
    this.name = 'JobInProgressError';
  }
}

/** A finished job cleanup would delete. */
export interface JobToClean {
  jobId: string;
  JobType: string;
  JobStatus: string;
  azureJobId: string;
}

/** Deletes one job found by findJobsToClean (its workflow has closed). */
export async function removeJob(env: BatchEnvironment, job: JobToClean, options: DeleteJobOptions): Promise<DeletedJob> {
  const azureJob = await env.azure().batch.deleteJob(job.azureJobId);
  const container = await env.azure().storage.job(job.azureJobId).delete();
  let workflow: DeletedJob['workflow'] = 'kept';
  if (options.deleteWorkflow) {
    const client = await env.client();
    try {
      await client.workflowService.deleteWorkflowExecution({ namespace: env.temporal.namespace, workflowExecution: { workflowId: job.jobId } });
    } catch (error) {
      // Already gone (NOT_FOUND) is what was asked for.
      if ((error as { code?: number }).code !== 5) throw error;
    }
    workflow = 'deleted';
  }
  return { ...job, azureJob, container, workflow };
}

/**
 * Deletes a finished job of this environment: its Azure job, its blob
 * container (inputs, logs, outputs, results) and, if asked, its workflow.
 * A job still in progress is refused; abort it first.
 */
export async function deleteJob(env: BatchEnvironment, jobId: string, options: DeleteJobOptions = {}): Promise<DeletedJob> {
  let description;
  try {
    description = await (await env.client()).workflow.getHandle(jobId).describe();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw new JobNotFoundError(jobId, env);
    throw error;
  }
  const attributes = description.typedSearchAttributes;
  if (attributes.get(environmentKey) !== `${env.connection}/${env.poolId}`) throw new JobNotFoundError(jobId, env);
  const status = attributes.get(jobStatusKey) ?? 'Active';
  if (description.status.name === 'RUNNING') throw new JobInProgressError(jobId, status);
  return removeJob(env, { jobId, JobType: attributes.get(jobTypeKey) ?? 'Single', JobStatus: status, azureJobId: attributes.get(azureJobIdKey) ?? jobId }, options);
}

export interface CleanJobsOptions extends DeleteJobOptions {
  /** Only jobs whose workflow closed at least this long ago. */
  olderThanInMs: number;
  /** Only jobs in one of these statuses (all when absent). */
  statuses?: JobStatus[];
}

function quoted(value: string): string {
  return `'${value.replace(/'/g, "\\'")}'`;
}

/** The finished jobs `cleanJobs` would delete, oldest close first: a dry run. */
export async function findJobsToClean(env: BatchEnvironment, options: Pick<CleanJobsOptions, 'olderThanInMs' | 'statuses'>, now = new Date()): Promise<JobToClean[]> {
  if (!Number.isFinite(options.olderThanInMs) || options.olderThanInMs < 0) {
    throw new RangeError(`olderThanInMs must be a number of milliseconds, 0 or more; got ${options.olderThanInMs}.`);
  }
  const cutoff = new Date(now.getTime() - options.olderThanInMs).toISOString();
  const clauses = [listJobsQuery(env), `ExecutionStatus != 'Running'`, `CloseTime <= ${quoted(cutoff)}`];
  if (options.statuses?.length) clauses.push(`RemoteBatchJobStatus IN (${options.statuses.map(quoted).join(', ')})`);
  const found: (JobToClean & { closed: number })[] = [];
  for await (const execution of (await env.client()).workflow.list({ query: clauses.join(' AND ') })) {
    const attributes = execution.typedSearchAttributes;
    found.push({
      jobId: execution.workflowId,
      JobType: attributes.get(jobTypeKey) ?? 'Single',
      JobStatus: attributes.get(jobStatusKey) ?? 'Active',
      azureJobId: attributes.get(azureJobIdKey) ?? execution.workflowId,
      closed: execution.closeTime?.getTime() ?? 0,
    });
  }
  return found.sort((a, b) => a.closed - b.closed).map(({ closed: _closed, ...job }) => job);
}

/**
 * The cleanup an operator runs: every finished job of the environment whose
 * workflow closed more than `olderThanInMs` ago (in the given statuses) loses
 * its Azure job, its blob container and, if asked, its workflow.
 */
export async function cleanJobs(env: BatchEnvironment, options: CleanJobsOptions): Promise<DeletedJob[]> {
  const jobs = await findJobsToClean(env, options);
  const deleted: DeletedJob[] = [];
  for (const job of jobs) deleted.push(await removeJob(env, job, options));
  return deleted;
}
