import { WorkflowNotFoundError } from '@temporalio/client';
import { cleanAgeProblem } from '../model/cleanAge';
import { InvalidSettingError, RemoteBatchError } from '../model/errors';
import { azureJobIdKey, environmentKey, jobStatusKey, jobTypeKey } from '../model/searchAttributes';
import type { JobStatus } from '../model/status';
import { type OperationOptions, withTemporal } from './abort';
import type { BatchEnvironment } from './environment';
import { listJobsQuery, readJobPage, visibilityString } from './jobListing';
import { JobNotFoundError } from './jobState';

export interface DeleteJobOptions extends OperationOptions {
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
  azureJobId: string;
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
  const description = await withTemporal(env, options.abortSignal, async (client) => {
    try {
      return await client.workflow.getHandle(jobId).describe();
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw new JobNotFoundError(jobId, env);
      throw error;
    }
  });
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
  let continuationToken: string | undefined;
  do {
    const page = await readJobPage(env, clauses.join(' AND '), { continuationToken, maxPageSize: 1000 }, options.abortSignal);
    for (const execution of page.items) {
      const attributes = execution.typedSearchAttributes;
      found.push({
        jobId: execution.workflowId,
        JobType: attributes.get(jobTypeKey) ?? 'Single',
        JobStatus: attributes.get(jobStatusKey) ?? 'Active',
        azureJobId: attributes.get(azureJobIdKey) ?? execution.workflowId,
        closed: execution.closeTime?.getTime() ?? 0,
      });
    }
    continuationToken = page.continuationToken;
  } while (continuationToken);
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
