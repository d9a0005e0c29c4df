import type { WorkflowExecutionInfo } from '@temporalio/client';
import type { SingleJobState } from '../model/jobStates';
import { labelKeyword, parseLabelAssignment, parseNamePattern } from '../model/labels';
import { jobLabelsKey, jobNameKey, jobStatusKey, jobTypeKey } from '../model/searchAttributes';
import { isFinished, type JobStatus, type JobType } from '../model/status';
import type { BatchEnvironment } from './environment';

export interface ListJobsOptions {
  /** 'Single' | 'Array'; all kinds when absent. */
  type?: Exclude<JobType, 'ArrayChild'>;
  status?: JobStatus;
  /** Jobs of this name, or whose name starts so when it ends with `*` (`nightly*`). */
  name?: string;
  /** Jobs that have every one of these labels. */
  labels?: Record<string, string>;
}

function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Temporal visibility query for the jobs of one environment. */
export function listJobsQuery(env: BatchEnvironment, options: ListJobsOptions = {}): string {
  const clauses = [`RemoteBatchEnvironment = ${quote(`${env.connection}/${env.poolId}`)}`];
  if (options.type) clauses.push(`RemoteBatchJobType = ${quote(options.type)}`);
  if (options.status) clauses.push(`RemoteBatchJobStatus = ${quote(options.status)}`);
  if (options.name !== undefined) {
    const pattern = parseNamePattern(options.name);
    if ('exact' in pattern) clauses.push(`${jobNameKey.name} = ${quote(pattern.exact)}`);
    // '*' alone: any job that has a name.
    else clauses.push(pattern.prefix === '' ? `${jobNameKey.name} IS NOT NULL` : `${jobNameKey.name} STARTS_WITH ${quote(pattern.prefix)}`);
  }
  for (const [key, value] of Object.entries(options.labels ?? {})) {
    parseLabelAssignment(labelKeyword(key, value));
    clauses.push(`${jobLabelsKey.name} = ${quote(labelKeyword(key, value))}`);
  }
  // Only an open run can be Active or Running: a closed run that last said so was ended from outside.
  if (options.status && !isFinished(options.status)) clauses.push(`ExecutionStatus = 'Running'`);
  return clauses.join(' AND ');
}

/** One line of a job listing, read from Temporal visibility alone (no call per job). */
export interface JobSummary {
  jobId: string;
  JobType: string;
  JobStatus: string;
  JobSubmissionTime: Date;
  JobStartTime?: Date;
  JobCompletionTime?: Date;
  JobStatusReason?: string;
  JobName?: string;
  JobLabels?: Record<string, string>;
}

export interface JobSummaryPageOptions extends ListJobsOptions {
  /** Jobs per page (default 50). */
  pageSize?: number;
  /** 1-based (default 1). */
  page?: number;
}

export interface JobSummaryPage {
  jobs: JobSummary[];
  /** Jobs that match, on every page. */
  total: number;
  page: number;
  pageSize: number;
}

/**
 * Every job of the environment that matches, newest submission first. Temporal's
 * SQL visibility lists open workflows before closed ones and cannot be told to
 * order otherwise, so the listing is read whole and sorted here. A job may have
 * several runs (a retry, or the reconciler's closing run after a terminate):
 * its newest run is the job.
 */
export async function listJobSummaries(env: BatchEnvironment, options: ListJobsOptions = {}): Promise<JobSummary[]> {
  const client = await env.client();
  const newest = new Map<string, WorkflowExecutionInfo>();
  for await (const execution of client.workflow.list({ query: listJobsQuery(env, options) })) {
    const seen = newest.get(execution.workflowId);
    if (!seen || seen.startTime < execution.startTime) newest.set(execution.workflowId, execution);
  }
  const jobs: JobSummary[] = [];
  for (const execution of newest.values()) {
    const state = execution.memo?.state as Partial<SingleJobState> | undefined;
    jobs.push({
      jobId: execution.workflowId,
      JobType: execution.typedSearchAttributes.get(jobTypeKey) ?? 'Single',
      JobStatus: execution.typedSearchAttributes.get(jobStatusKey) ?? state?.status ?? 'Active',
      JobSubmissionTime: state?.submittedAt ? new Date(state.submittedAt) : execution.startTime,
      ...(state?.startedAt ? { JobStartTime: new Date(state.startedAt) } : {}),
      ...(state?.completedAt ? { JobCompletionTime: new Date(state.completedAt) } : {}),
      ...(state?.statusReason ? { JobStatusReason: state.statusReason } : {}),
      ...(state?.name !== undefined ? { JobName: state.name } : {}),
      ...(state?.labels !== undefined ? { JobLabels: state.labels } : {}),
    });
  }
  return jobs.sort((a, b) => b.JobSubmissionTime.getTime() - a.JobSubmissionTime.getTime() || a.jobId.localeCompare(b.jobId));
}

/** One page of the environment's jobs, newest first, and how many there are in all: what `remote-batch ls` prints. */
export async function listJobSummaryPage(env: BatchEnvironment, options: JobSummaryPageOptions = {}): Promise<JobSummaryPage> {
  const pageSize = options.pageSize ?? 50;
  const page = options.page ?? 1;
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError(`pageSize must be a whole number of at least 1; got ${pageSize}.`);
  if (!Number.isInteger(page) || page < 1) throw new RangeError(`page must be a whole number from 1; got ${page}.`);
  const all = await listJobSummaries(env, options);
  return { jobs: all.slice((page - 1) * pageSize, page * pageSize), total: all.length, page, pageSize };
}
