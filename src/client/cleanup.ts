import type { TypedSearchAttributes } from '@temporalio/common';
import { cleanAgeProblem } from '../model/cleanAge';
import { InvalidSettingError, RemoteBatchError } from '../model/errors';
import { azureJobIdKey, environmentKey, jobStatusKey, jobTypeKey } from '../model/searchAttributes';
import type { JobStatus } from '../model/status';
import { type OperationOptions, withTemporal } from './abort';
import type { BatchEnvironment } from './environment';
import { listJobsQuery, readJobPage, visibilityString } from './jobListing';
import { describeJob } from './jobOwnership';
import { JobNotFoundError } from './jobState';
import { pagedIterator } from './paging';

export interface DeleteJobOptions extends OperationOptions {
  /** Also delete the job's workflow (its history; it no longer lists). Default: keep it. */
  deleteWorkflow?: boolean;
}

/** What deleting a job removed; a part already gone is 'absent', so deleting twice is harmless. */
export interface DeletedJob extends JobToClean {
  azureJob: 'deleted' | 'absent';
  container: 'deleted' | 'absent';
  workflow: 'deleted' | 'kept';
}

/** A job whose workflow is still running: its Azure job and blobs are in use. */
export class JobInProgressError extends RemoteBatchError {
  constructor(readonly jobId: string, status: string) {
    super(
      `${jobId} is still in progress (${status}; its workflow is running, or an array is open for retry): abort it first ` +
        `(remote-batch abort ${jobId}), or wait for it to end; nothing was deleted.`,
      'JobInProgress',
      409,
    );
    this.name = 'JobInProgressError';
  }
}

/** A finished job cleanup would delete. */
export interface JobToClean {
  jobId: string;
  JobType: string;
  JobStatus: string;
  /** The Azure job's id (ProviderJobID); its blob container is job-<id>. */
  azureJobId: string;
}

function jobToClean(workflowId: string, attributes: TypedSearchAttributes): JobToClean {
  return {
    jobId: workflowId,
    JobType: attributes.get(jobTypeKey) ?? 'Single',
    JobStatus: attributes.get(jobStatusKey) ?? 'Active',
    azureJobId: attributes.get(azureJobIdKey) ?? workflowId,
  };
}

/** Deletes one job found by findJobsToClean (its workflow has closed). */
export function removeJob(env: BatchEnvironment, job: JobToClean, options: DeleteJobOptions = {}): Promise<DeletedJob> {
  return withTemporal(env, options.abortSignal, async (client, signal) => {
    const azureJob = await env.azure().batch.deleteJob(job.azureJobId, signal);
    const container = await env.azure().storage.job(job.azureJobId).delete(signal);
    let workflow: DeletedJob['workflow'] = 'kept';
    if (options.deleteWorkflow) {
      try {
        await client.workflowService.deleteWorkflowExecution({ namespace: env.temporal.namespace, workflowExecution: { workflowId: job.jobId } });
      } catch (error) {
        // Already gone (NOT_FOUND) is what was asked for.
        if ((error as { code?: number }).code !== 5) throw error;
      }
      workflow = 'deleted';
    }
    return { ...job, azureJob, container, workflow };
  });
}

/**
 * Deletes a finished job of this environment: its Azure job, its blob
 * container (inputs, logs, outputs, results) and, if asked, its workflow.
 * A job still in progress is refused; abort it first.
 */
export async function deleteJob(env: BatchEnvironment, jobId: string, options: DeleteJobOptions = {}): Promise<DeletedJob> {
  const description = await describeJob(env, jobId, options.abortSignal);
  if (description?.typedSearchAttributes.get(environmentKey) !== `${env.connection}/${env.poolId}`) throw new JobNotFoundError(jobId, env);
  const job = jobToClean(jobId, description.typedSearchAttributes);
  if (description.status.name === 'RUNNING') throw new JobInProgressError(jobId, job.JobStatus);
  return removeJob(env, job, options);
}

export interface CleanJobsOptions extends DeleteJobOptions {
  /** Only jobs whose workflow closed at least this long ago. */
  olderThanInMs: number;
  /** Only jobs in one of these statuses (all when absent). */
  statuses?: JobStatus[];
}

/** The close time a job must be older than; none when the age reaches back before any job could have run. */
function closedBefore(olderThanInMs: number, now: Date): string | undefined {
  const problem = cleanAgeProblem('olderThanInMs', olderThanInMs);
  if (problem) throw new InvalidSettingError('olderThanInMs', problem);
  const cutoff = now.getTime() - olderThanInMs;
  return cutoff > 0 ? new Date(cutoff).toISOString() : undefined;
}

/**
 * The finished jobs `cleanJobs` would delete, oldest close first: a dry run.
 * Each job counts once, as its latest run says: a job retried since it failed
 * is judged by its retry.
 */
export async function findJobsToClean(env: BatchEnvironment, options: Pick<CleanJobsOptions, 'olderThanInMs' | 'statuses' | 'abortSignal'>, now = new Date()): Promise<JobToClean[]> {
  const cutoff = closedBefore(options.olderThanInMs, now);
  const clauses = [listJobsQuery(env), `ExecutionStatus != 'Running'`, ...(cutoff ? [`CloseTime <= ${visibilityString(cutoff)}`] : [])];
  if (options.statuses?.length) clauses.push(`RemoteBatchJobStatus IN (${options.statuses.map(visibilityString).join(', ')})`);
  const found: (JobToClean & { closed: number })[] = [];
  const pages = pagedIterator((settings) => readJobPage(env, clauses.join(' AND '), settings, options.abortSignal));
  for await (const page of pages.byPage({ maxPageSize: 1000 })) {
    for (const run of page) found.push({ ...jobToClean(run.workflowId, run.typedSearchAttributes), closed: run.closeTime?.getTime() ?? 0 });
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
