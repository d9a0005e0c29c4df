import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { executionInfoFromRaw } from '@temporalio/client/lib/helpers';
import { InvalidSettingError } from '../model/errors';
import type { SingleJobState } from '../model/jobStates';
import { labelKeyword, parseLabelAssignment, parseNamePattern } from '../model/labels';
import { jobLabelsKey, jobNameKey, jobStatusKey, jobTypeKey } from '../model/searchAttributes';
import { isFinished, type JobStatus, type JobType } from '../model/status';
import { type OperationOptions, withTemporal } from './abort';
import { ArrayJob } from './arrayJobObject';
import type { BatchEnvironment } from './environment';
import { BatchJob } from './jobObject';
import { type PagedAsyncIterableIterator, pagedIterator, type PageSettings } from './paging';

export interface ListJobsOptions extends OperationOptions {
  /** 'Single' | 'Array'; all kinds when absent. */
  type?: Exclude<JobType, 'ArrayChild'>;
  status?: JobStatus;
  /** Jobs of this name, or whose name starts so when it ends with `*` (`nightly*`). */
  name?: string;
  /** Jobs that have every one of these labels. */
  labels?: Record<string, string>;
}

/** Items per page when `byPage` is not told (Temporal's own default is larger). */
const defaultPageSize = 50;
/** The most Temporal's visibility store returns in one page. */
const maxPageSize = 1000;

/** A string literal of Temporal's visibility query language. */
export function visibilityString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Temporal visibility query for the jobs of one environment. */
export function listJobsQuery(env: BatchEnvironment, options: Omit<ListJobsOptions, 'abortSignal'> = {}): string {
  const clauses = [`RemoteBatchEnvironment = ${visibilityString(`${env.connection}/${env.poolId}`)}`];
  if (options.type) clauses.push(`RemoteBatchJobType = ${visibilityString(options.type)}`);
  if (options.status) clauses.push(`RemoteBatchJobStatus = ${visibilityString(options.status)}`);
  if (options.name !== undefined) {
    const pattern = parseNamePattern(options.name);
    if ('exact' in pattern) clauses.push(`${jobNameKey.name} = ${visibilityString(pattern.exact)}`);
    // '*' alone: any job that has a name.
    else clauses.push(pattern.prefix === '' ? `${jobNameKey.name} IS NOT NULL` : `${jobNameKey.name} STARTS_WITH ${visibilityString(pattern.prefix)}`);
  }
  for (const [key, value] of Object.entries(options.labels ?? {})) {
    parseLabelAssignment(labelKeyword(key, value));
    clauses.push(`${jobLabelsKey.name} = ${visibilityString(labelKeyword(key, value))}`);
  }
  // Only an open run can be Active or Running: a closed run that last said so was ended from outside.
  if (options.status && !isFinished(options.status)) clauses.push(`ExecutionStatus = 'Running'`);
  return clauses.join(' AND ');
}

function checkPageSize(size: number | undefined): number {
  if (size === undefined) return defaultPageSize;
  if (!Number.isInteger(size) || size < 1 || size > maxPageSize) {
    throw new InvalidSettingError('maxPageSize', `maxPageSize must be a whole number from 1 to ${maxPageSize}; got ${JSON.stringify(size)}.`);
  }
  return size;
}

function pageToken(token: string | undefined): Buffer | undefined {
  if (token === undefined) return undefined;
  if (typeof token !== 'string' || !/^[A-Za-z0-9+/]+=*$/.test(token)) {
    throw new InvalidSettingError('continuationToken', `continuationToken must be a page's continuationToken as a listing gave it; got ${JSON.stringify(token)}.`);
  }
  return Buffer.from(token, 'base64');
}

/** The run each workflow id is on now, for ids whose listed run has closed (an open run is always its workflow's latest). */
async function latestRunIds(client: Client, namespace: string, workflowIds: string[]): Promise<Map<string, string>> {
  const latest = new Map<string, { runId: string; startedAt: number }>();
  for (let at = 0; at < workflowIds.length; at += 100) {
    const query = `WorkflowId IN (${workflowIds.slice(at, at + 100).map(visibilityString).join(', ')})`;
    let nextPageToken: Uint8Array | undefined;
    do {
      const response = await client.workflowService.listWorkflowExecutions({ namespace, query, pageSize: maxPageSize, nextPageToken });
      for (const run of response.executions ?? []) {
        const workflowId = run.execution?.workflowId ?? '';
        const startedAt = Number(run.startTime?.seconds ?? 0) * 1000 + Math.floor((run.startTime?.nanos ?? 0) / 1e6);
        const seen = latest.get(workflowId);
        if (!seen || seen.startedAt < startedAt) latest.set(workflowId, { runId: run.execution?.runId ?? '', startedAt });
      }
      nextPageToken = response.nextPageToken?.length ? response.nextPageToken : undefined;
    } while (nextPageToken);
  }
  return new Map([...latest].map(([workflowId, { runId }]) => [workflowId, runId]));
}

/**
 * One page of the environment's jobs that match `query`, over Temporal's own
 * page token (ListWorkflowExecutions' next_page_token). Temporal lists runs;
 * a job may have several (a retry, a Reset, the reconciler's closing run), so
 * a run is kept only when it is its job's latest: each job is listed once,
 * as it is now, and a job whose latest run does not match is not listed.
 */
export async function readJobPage(env: BatchEnvironment, query: string, settings: PageSettings, signal?: AbortSignal): Promise<{ items: WorkflowExecutionInfo[]; continuationToken?: string }> {
  const pageSize = checkPageSize(settings.maxPageSize);
  const nextPageToken = pageToken(settings.continuationToken);
  return withTemporal(env, signal, async (client) => {
    const namespace = env.temporal.namespace;
    const response = await client.workflowService.listWorkflowExecutions({ namespace, query, pageSize, nextPageToken });
    const runs = await Promise.all((response.executions ?? []).map((raw) => executionInfoFromRaw(raw, client.options.loadedDataConverter, raw, namespace)));
    const closed = [...new Set(runs.filter((run) => run.status.name !== 'RUNNING').map((run) => run.workflowId))];
    const latest = closed.length ? await latestRunIds(client, namespace, closed) : new Map<string, string>();
    const items = runs.filter((run) => run.status.name === 'RUNNING' || latest.get(run.workflowId) === run.runId);
    const token = response.nextPageToken?.length ? Buffer.from(response.nextPageToken).toString('base64') : undefined;
    return { items, continuationToken: token };
  });
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

function summaryOf(execution: WorkflowExecutionInfo): JobSummary {
  const state = execution.memo?.state as Partial<SingleJobState> | undefined;
  return {
    jobId: execution.workflowId,
    JobType: execution.typedSearchAttributes.get(jobTypeKey) ?? 'Single',
    JobStatus: execution.typedSearchAttributes.get(jobStatusKey) ?? state?.status ?? 'Active',
    JobSubmissionTime: state?.submittedAt ? new Date(state.submittedAt) : execution.startTime,
    ...(state?.startedAt ? { JobStartTime: new Date(state.startedAt) } : {}),
    ...(state?.completedAt ? { JobCompletionTime: new Date(state.completedAt) } : {}),
    ...(state?.statusReason ? { JobStatusReason: state.statusReason } : {}),
    ...(state?.name !== undefined ? { JobName: state.name } : {}),
    ...(state?.labels !== undefined ? { JobLabels: state.labels } : {}),
  };
}

/** The environment's jobs that match, a page at a time, each as `item` makes it of its latest run. */
function listing<T>(env: BatchEnvironment, options: ListJobsOptions, item: (run: WorkflowExecutionInfo) => T): PagedAsyncIterableIterator<T> {
  const query = listJobsQuery(env, options);
  return pagedIterator(async (settings) => {
    const page = await readJobPage(env, query, settings, options.abortSignal);
    return { items: page.items.map(item), continuationToken: page.continuationToken };
  });
}

/**
 * The environment's jobs that match, as summaries, a page at a time from
 * Temporal's visibility store: jobs in progress first, then finished jobs by
 * when they ended, most recent first (the order Temporal lists in).
 */
export function listJobSummaries(env: BatchEnvironment, options: ListJobsOptions = {}): PagedAsyncIterableIterator<JobSummary> {
  return listing(env, options, summaryOf);
}

/** The seed's RemoteBatchJobs: the environment's jobs as job objects (a BatchJob or an ArrayJob), in listJobSummaries' order. */
export function listJobs(env: BatchEnvironment, options: ListJobsOptions = {}): PagedAsyncIterableIterator<BatchJob | ArrayJob> {
  return listing(env, options, (run) => (run.typedSearchAttributes.get(jobTypeKey) === 'Array' ? new ArrayJob(env, run.workflowId) : new BatchJob(env, run.workflowId)));
}
