import type { BatchServiceClient, BatchServiceModels } from '@azure/batch';
import type { AbortSignalLike } from '@azure/ms-rest-js';
import { type AzureJobRecord, jobRecordMetadata, jobRecordOf } from '../model/azureJobRecord';
import type { TaskObservation } from '../model/taskObservation';
import { sendBatchJson } from './batchJson';
import { AzureRefusedError, azureErrorFacts } from './errors';
import { poolWaitingReason } from './poolWaiting';
import type { BatchTaskDefinition } from './taskDefinition';

/** Batch job metadata: the workflow id that owns the job. */
const ownerMetadataKey = 'remote-batch-workflow-id';
/** Batch job metadata: until this ISO time, a job whose workflow has closed stays active for a retry. */
export const retryUntilMetadataKey = 'remote-batch-retry-until';
/** Batch job metadata: one entry per label of the job, `label:<key>` = value, as Batch Explorer and the portal show them. */
const labelMetadataPrefix = 'label:';

export interface NewAzureJob {
  jobId: string;
  poolId: string;
  /** Batch priority, -1000 … 1000. */
  priority: number;
  /** The workflow id that owns the job; a job that exists with another owner is refused. */
  owner: string;
  /** What the job is, for the reconciler (src/model/azureJobRecord.ts). */
  record: AzureJobRecord;
  /** The most tasks running at once (an array's MaxParallel); no limit when absent. */
  maxParallelTasks?: number;
}

/** A task as a listing shows it: its observation, its id and when its state last changed. */
export interface ListedTask extends TaskObservation {
  id: string;
  stateTransitionTime?: string;
}

export interface TaskCounts {
  active: number;
  running: number;
  completed: number;
  succeeded: number;
  failed: number;
}

/** An active Azure job as the reconciler looks at it. */
export interface ActiveAzureJob {
  id: string;
  poolId: string;
  owner?: string;
  retryUntil?: string;
  createdAt?: string;
  record?: AzureJobRecord;
}

export interface AzureJobFacts {
  state: string;
  /** Why the job was terminated, when something other than its tasks' completion ended it. */
  terminateReason?: string;
  poolId?: string;
  record?: AzureJobRecord;
}

/** Batch's limits for one add-collection call. */
const maxTasksPerCollection = 100;
const maxCollectionBytes = 1_000_000;
/** Times tasks Batch answered `servererror` for in a collection are sent again before the call fails. */
const serverErrorResends = 5;

function iso(date: Date | string | undefined): string | undefined {
  return date ? new Date(date).toISOString() : undefined;
}

/** A task's facts as the SDK's model or Batch's JSON has them (times as Date or ISO text). */
interface TaskFacts {
  state?: string;
  executionInfo?: {
    exitCode?: number;
    result?: string;
    startTime?: Date | string;
    endTime?: Date | string;
    retryCount?: number;
    requeueCount?: number;
    failureInfo?: { category?: string; code?: string; message?: string; details?: { name?: string; value?: string }[] };
  };
}

/**
 * The blob Batch's FilePath detail points at, by container and name (the
 * container is the path segment before the blob's: Azurite's URLs put the
 * account first). The URL's query, a SAS, is never kept.
 */
function failedBlobOf(details: { name?: string; value?: string }[] | undefined): { container: string; name: string } | undefined {
  const url = details?.find((detail) => detail.name === 'FilePath')?.value;
  if (!url || !/^https?:\/\//i.test(url)) return undefined;
  const segments = new URL(url).pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const container = segments.findIndex((segment) => segment.startsWith('job-'));
  if (container < 0 || container === segments.length - 1) return undefined;
  return { container: segments[container], name: segments.slice(container + 1).join('/') };
}

/** A task as a listing answers it in JSON. */
interface ListedTaskJson extends TaskFacts {
  id?: string;
  stateTransitionTime?: string;
}

/** What add collection answers for each task. */
interface TaskAddResultJson {
  status: string;
  taskId: string;
  error?: { code?: string; message?: { value?: string } };
}

function failureOf(info: NonNullable<NonNullable<TaskFacts['executionInfo']>['failureInfo']>): NonNullable<TaskObservation['failure']> {
  const blob = failedBlobOf(info.details);
  return { category: info.category, code: info.code, message: info.message, ...(blob ? { blob } : {}) };
}

/** The one mapping of a Batch task onto what remote-batch observes of it. */
function observationOf(task: TaskFacts): TaskObservation {
  const info = task.executionInfo;
  return {
    state: (task.state ?? 'active') as TaskObservation['state'],
    exitCode: info?.exitCode,
    result: info?.result as TaskObservation['result'],
    startTime: iso(info?.startTime),
    endTime: iso(info?.endTime),
    ...(info?.retryCount ? { retryCount: info.retryCount } : {}),
    ...(info?.requeueCount ? { requeueCount: info.requeueCount } : {}),
    ...(info?.failureInfo ? { failure: failureOf(info.failureInfo) } : {}),
  };
}

function codeOf(error: unknown): string | undefined {
  return azureErrorFacts(error).code;
}

/** Splits tasks into collections within Batch's count and size limits. */
export function packCollections(tasks: BatchServiceModels.TaskAddParameter[]): BatchServiceModels.TaskAddParameter[][] {
  const collections: BatchServiceModels.TaskAddParameter[][] = [];
  let current: BatchServiceModels.TaskAddParameter[] = [];
  let bytes = 0;
  for (const task of tasks) {
    const size = Buffer.byteLength(JSON.stringify(task)) + 1;
    if (current.length > 0 && (current.length === maxTasksPerCollection || bytes + size > maxCollectionBytes - 1024)) {
      collections.push(current);
      current = [];
      bytes = 0;
    }
    current.push(task);
    bytes += size;
  }
  if (current.length > 0) collections.push(current);
  return collections;
}

/**
 * Every Batch call remote-batch makes, for one account. Methods return model
 * types, and the idempotency rules live here: "already exists" and "already
 * ended" answers are read as the success they mean for a retried call.
 * Transient failures (throttling, busy, network) are retried once, below
 * this, by the client's pipeline policy (src/azure/transientRetryPolicy.ts).
 */
export class BatchGateway {
  constructor(private readonly client: BatchServiceClient, readonly connection: string) {}

  /** The pool's task slots per node; refused when the account has no such pool. */
  async poolSlots(poolId: string, abortSignal?: AbortSignal): Promise<number> {
    try {
      const pool = await this.client.pool.get(poolId, { poolGetOptions: { select: 'id,taskSlotsPerNode' }, abortSignal: abortSignal as AbortSignalLike | undefined });
      return pool.taskSlotsPerNode ?? 1;
    } catch (error) {
      if (codeOf(error) === 'PoolNotFound') {
        throw new AzureRefusedError(`PoolID: there is no pool '${poolId}' in the Batch account of connection '${this.connection}'.`, 'PoolNotFound', 404);
      }
      throw error;
    }
  }

  /** The pools of the account (ids), as a connection check lists them. */
  async poolIds(abortSignal?: AbortSignal): Promise<string[]> {
    const page = await this.client.pool.list({ poolListOptions: { maxResults: 100, select: 'id' }, abortSignal: abortSignal as AbortSignalLike | undefined });
    return page.map((pool) => pool.id ?? '').filter((id) => id !== '');
  }

  /** Why a job's tasks cannot start now, when its pool has no nodes (looked up only while nothing runs). */
  async poolWaitingReason(jobId: string): Promise<string | undefined> {
    const poolId = (await this.client.job.get(jobId, { jobGetOptions: { select: 'poolInfo' } })).poolInfo?.poolId;
    if (!poolId) return undefined;
    const pool = await this.client.pool.get(poolId, { poolGetOptions: { select: 'currentDedicatedNodes,currentLowPriorityNodes,resizeErrors' } });
    return poolWaitingReason(poolId, pool);
  }

  /**
   * Creates the job, which the workflow ends itself once it is done
   * (`onAllTasksComplete: noaction`, so a task that failed for the platform's
   * reasons can run again). Idempotent: a job that exists with our owner is ours.
   */
  async createJob(job: NewAzureJob): Promise<void> {
    const { name, labels } = job.record.state;
    try {
      await this.client.job.add({
        id: job.jobId,
        ...(name !== undefined ? { displayName: name } : {}),
        priority: job.priority,
        poolInfo: { poolId: job.poolId },
        onAllTasksComplete: 'noaction',
        usesTaskDependencies: false,
        ...(job.maxParallelTasks !== undefined ? { maxParallelTasks: job.maxParallelTasks } : {}),
        metadata: [
          { name: ownerMetadataKey, value: job.owner },
          jobRecordMetadata(job.record),
          ...Object.entries(labels ?? {}).map(([key, value]) => ({ name: `${labelMetadataPrefix}${key}`, value })),
        ],
      });
    } catch (error) {
      if (codeOf(error) !== 'JobExists') throw error;
      const existing = await this.client.job.get(job.jobId, { jobGetOptions: { select: 'metadata' } });
      const owner = existing.metadata?.find((item) => item.name === ownerMetadataKey)?.value;
      if (owner !== job.owner) {
        throw new AzureRefusedError(`Azure job '${job.jobId}' already exists and belongs to someone else (${owner ?? 'no owner'}).`, 'JobExists', 409);
      }
    }
  }

  /** The job's state, why it ended and what it records of itself; undefined when there is no such job. */
  async jobFacts(jobId: string): Promise<AzureJobFacts | undefined> {
    try {
      const job = await this.client.job.get(jobId, { jobGetOptions: { select: 'state,executionInfo,poolInfo,metadata' } });
      const reason = job.executionInfo?.terminateReason;
      return {
        state: job.state ?? 'active',
        ...(reason && reason !== 'AllTasksComplete' ? { terminateReason: reason } : {}),
        poolId: job.poolInfo?.poolId,
        record: jobRecordOf(job.metadata),
      };
    } catch (error) {
      if (codeOf(error) === 'JobNotFound') return undefined;
      throw error;
    }
  }

  /** Active jobs of the account, page by page, with what their metadata says. */
  async *activeJobs(): AsyncGenerator<ActiveAzureJob[]> {
    const jobListOptions = { filter: "state eq 'active'", select: 'id,poolInfo,metadata,creationTime', maxResults: 1000 };
    let page = await this.client.job.list({ jobListOptions });
    for (;;) {
      yield page.flatMap((job) => {
        if (!job.id) return [];
        const value = (name: string) => job.metadata?.find((item) => item.name === name)?.value;
        return [{ id: job.id, poolId: job.poolInfo?.poolId ?? '', owner: value(ownerMetadataKey), retryUntil: value(retryUntilMetadataKey), createdAt: iso(job.creationTime), record: jobRecordOf(job.metadata) }];
      });
      if (!page.odatanextLink) return;
      page = await this.client.job.listNext(page.odatanextLink);
    }
  }

  /** Sets one metadata entry of the job, keeping the others. Idempotent. */
  async setJobMetadata(jobId: string, name: string, value: string): Promise<void> {
    const job = await this.client.job.get(jobId, { jobGetOptions: { select: 'metadata' } });
    const metadata = (job.metadata ?? []).filter((item) => item.name !== name);
    await this.client.job.patch(jobId, { metadata: [...metadata, { name, value }] });
  }

  /**
   * Changes the job's maxParallelTasks (null: no limit) while it runs; Batch
   * applies it from its next placement. False when the job has ended or is gone.
   */
  async setMaxParallelTasks(jobId: string, maxParallelTasks: number | null): Promise<boolean> {
    try {
      await this.client.job.patch(jobId, { maxParallelTasks: maxParallelTasks ?? -1 });
      return true;
    } catch (error) {
      const code = codeOf(error);
      if (code === 'JobCompleted' || code === 'JobNotFound' || code === 'JobTerminating' || code === 'JobBeingTerminated') return false;
      throw error;
    }
  }

  /** Idempotent: a job already completed (or gone) stays as it is. */
  async terminateJob(jobId: string, reason: string): Promise<void> {
    try {
      await this.client.job.terminate(jobId, { terminateReason: reason });
    } catch (error) {
      const code = codeOf(error);
      if (code !== 'JobCompleted' && code !== 'JobNotFound' && code !== 'JobTerminating') throw error;
    }
  }

  /** Deletes the Azure job; 'absent' when there was none. */
  async deleteJob(jobId: string, abortSignal?: AbortSignal): Promise<'deleted' | 'absent'> {
    try {
      await this.client.job.deleteMethod(jobId, { abortSignal: abortSignal as AbortSignalLike | undefined });
      return 'deleted';
    } catch (error) {
      if (codeOf(error) === 'JobNotFound') return 'absent';
      throw error;
    }
  }

  async taskExists(jobId: string, taskId: string): Promise<boolean> {
    try {
      await this.client.task.get(jobId, taskId, { taskGetOptions: { select: 'id' } });
      return true;
    } catch (error) {
      if (codeOf(error) === 'TaskNotFound') return false;
      throw error;
    }
  }

  /**
   * Idempotent: TaskExists means an earlier try added it, and so does
   * JobCompleted when the task is there (it ran, and the job ended after it).
   */
  async addTask(jobId: string, task: BatchServiceModels.TaskAddParameter): Promise<void> {
    try {
      await this.client.task.add(jobId, task);
    } catch (error) {
      const code = codeOf(error);
      if (code === 'TaskExists') return;
      if (code === 'JobCompleted' && (await this.taskExists(jobId, task.id))) return;
      throw error;
    }
  }

  /**
   * Adds tasks in collections within Batch's limits, resending those Batch
   * answers `servererror` for and halving a collection it finds too large.
   * Idempotent: a task that exists was added by an earlier try; once the job
   * has ended, every task must already be there.
   */
  async addTasks(jobId: string, tasks: BatchServiceModels.TaskAddParameter[]): Promise<void> {
    let pending = tasks;
    for (let resend = 0; pending.length > 0; resend++) {
      let response: { value?: TaskAddResultJson[] };
      try {
        response = await sendBatchJson(this.client, 'POST', `jobs/${encodeURIComponent(jobId)}/addtaskcollection`, {}, { value: pending });
      } catch (error) {
        const { code, statusCode } = azureErrorFacts(error);
        if (code === 'JobCompleted') return this.requireAdded(jobId, pending);
        if (statusCode === 413 && pending.length > 1) {
          const half = Math.ceil(pending.length / 2);
          await this.addTasks(jobId, pending.slice(0, half));
          await this.addTasks(jobId, pending.slice(half));
          return;
        }
        throw error;
      }
      const again = new Set<string>();
      for (const result of response.value ?? []) {
        if (result.status === 'success' || result.error?.code === 'TaskExists') continue;
        if (result.status === 'servererror' && resend < serverErrorResends) again.add(result.taskId);
        else throw new Error(`Batch refused task ${result.taskId}: ${result.error?.code} ${result.error?.message?.value ?? ''}`);
      }
      pending = pending.filter((task) => again.has(task.id));
    }
  }

  private async requireAdded(jobId: string, tasks: BatchServiceModels.TaskAddParameter[]): Promise<void> {
    for (const task of tasks) {
      if (!(await this.taskExists(jobId, task.id))) {
        throw new AzureRefusedError(`Azure job '${jobId}' has ended: its tasks from ${task.id} on can no longer be added.`, 'JobCompleted', 409);
      }
    }
  }

  /** The task as Batch reports it, with its job's terminate reason once the task completed or when `withJob`. */
  async observeTask(jobId: string, taskId: string, options: { withJob?: boolean } = {}): Promise<TaskObservation> {
    const observation = observationOf(await this.client.task.get(jobId, taskId));
    if (observation.state !== 'completed' && !options.withJob) return observation;
    const job = await this.jobFacts(jobId);
    return { ...observation, ...(job?.terminateReason ? { jobTerminateReason: job.terminateReason } : {}), jobCompleted: job?.state === 'completed' };
  }

  /** The job's tasks (those whose state changed since `changedSince`, when given), every page. */
  async listTasks(jobId: string, options: { changedSince?: string } = {}): Promise<ListedTask[]> {
    const query = {
      $select: 'id,state,stateTransitionTime,executionInfo',
      maxresults: '1000',
      $filter: options.changedSince ? `stateTransitionTime ge datetime'${options.changedSince}'` : undefined,
    };
    const tasks: ListedTask[] = [];
    type Page = { value?: ListedTaskJson[]; 'odata.nextLink'?: string };
    let page = await sendBatchJson<Page>(this.client, 'GET', `jobs/${encodeURIComponent(jobId)}/tasks`, query);
    for (;;) {
      for (const task of page.value ?? []) if (task.id) tasks.push({ ...observationOf(task), id: task.id, stateTransitionTime: iso(task.stateTransitionTime) });
      const next = page['odata.nextLink'];
      if (!next) return tasks;
      page = await sendBatchJson<Page>(this.client, 'GET', next);
    }
  }

  async taskCounts(jobId: string): Promise<TaskCounts> {
    const { active, running, completed, succeeded, failed } = (await this.client.job.getTaskCounts(jobId)).taskCounts;
    return { active, running, completed, succeeded, failed };
  }

  /** Idempotent: a task already completed or gone stays as it is. */
  async terminateTask(jobId: string, taskId: string): Promise<void> {
    try {
      await this.client.task.terminate(jobId, taskId);
    } catch (error) {
      const code = codeOf(error);
      if (code !== 'TaskNotFound' && code !== 'TaskCompleted') throw error;
    }
  }

  /**
   * Batch's reactivate: a failed task runs again under the same id.
   * 'succeeded': Batch reactivates only failures (a success has to be added
   * anew). 'ended': the job has ended, nothing runs again. 'missing': no such task.
   */
  async reactivateTask(jobId: string, taskId: string): Promise<'reactivated' | 'succeeded' | 'ended' | 'missing'> {
    try {
      await this.client.task.reactivate(jobId, taskId);
      return 'reactivated';
    } catch (error) {
      const code = codeOf(error);
      // Already active again: an earlier try reactivated it.
      if (code === 'TaskNotCompleted' || code === 'TaskAlreadyActive') return 'reactivated';
      if (code === 'JobCompleted' || code === 'JobNotActive' || code === 'JobNotFound') return 'ended';
      if (code === 'TaskNotFound') return 'missing';
      if (code === 'OperationInvalidForCurrentState') return 'succeeded';
      throw error;
    }
  }

  /** A completed task's own definition, to add it again; undefined when there is no such task. */
  async taskDefinitionOf(jobId: string, taskId: string): Promise<BatchTaskDefinition | undefined> {
    let task: BatchServiceModels.CloudTask;
    try {
      task = await this.client.task.get(jobId, taskId);
    } catch (error) {
      if (codeOf(error) === 'TaskNotFound') return undefined;
      throw error;
    }
    return {
      id: taskId,
      displayName: task.displayName,
      commandLine: task.commandLine!,
      containerSettings: task.containerSettings,
      resourceFiles: task.resourceFiles,
      outputFiles: task.outputFiles,
      environmentSettings: task.environmentSettings,
      constraints: task.constraints,
      requiredSlots: task.requiredSlots,
      userIdentity: task.userIdentity,
      exitConditions: task.exitConditions,
      affinityInfo: task.affinityInfo,
    };
  }

  /** Idempotent: a task already gone stays gone. */
  async deleteTask(jobId: string, taskId: string): Promise<void> {
    try {
      await this.client.task.deleteMethod(jobId, taskId);
    } catch (error) {
      if (codeOf(error) !== 'TaskNotFound') throw error;
    }
  }

  /** Adds a task again (a rerun of a success); false when the job has ended and takes no task. Idempotent. */
  async addTaskAgain(jobId: string, task: BatchTaskDefinition): Promise<boolean> {
    try {
      await this.addTask(jobId, task);
      return true;
    } catch (error) {
      const code = codeOf(error);
      if (code === 'JobCompleted' || code === 'JobNotActive') return false;
      throw error;
    }
  }

  /** A file of the task on its compute node (`stdout.txt`, `wd/result.json`); undefined when it is not there. */
  async readTaskFile(jobId: string, taskId: string, path: string, abortSignal?: AbortSignal): Promise<Buffer | undefined> {
    try {
      const response = await this.client.file.getFromTask(jobId, taskId, path, { abortSignal: abortSignal as AbortSignalLike | undefined });
      const chunks: Buffer[] = [];
      for await (const chunk of response.readableStreamBody ?? []) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
      return Buffer.concat(chunks);
    } catch (error) {
      const { code, statusCode } = azureErrorFacts(error);
      if (code === 'FileNotFound' || code === 'TaskNotFound' || code === 'JobNotFound' || statusCode === 404) return undefined;
      throw error;
    }
  }
}
