import type { BatchServiceClient, BatchServiceModels } from '@azure/batch';
import { Context } from '@temporalio/activity';
import type { ConnectionClients } from '../azure/connectionClients';
import { type AzureJobRecord, jobRecordMetadata } from '../model/azureJobRecord';
import { jobContainerName } from '../model/conventions';
import type { TaskObservation } from '../model/jobSpec';
import { retryUntilMetadataKey, workflowIdMetadataKey } from '../model/retry';
import { batchErrorCode, invalidInput } from './batchErrors';
import { sasLifetimeMs, signInputs, type TaskInputBlob, type TaskTemplate, taskDefinition } from './taskDefinition';

export interface PoolFacts {
  taskSlotsPerNode: number;
}

export interface CreateAzureJobInput {
  connection: string;
  jobId: string;
  poolId: string;
  priority: number;
  workflowId: string;
  /** A single job ends with its task; an array job's tasks are added over time, so it is ended explicitly. */
  endsWithTasks: boolean;
  /** What the job is, kept in its metadata for the reconciler (absent in calls from runs started before it existed). */
  record?: AzureJobRecord;
}

export interface AddJobTaskInput extends TaskTemplate {
  connection: string;
  jobId: string;
  taskId: string;
  inputBlobs: TaskInputBlob[];
}

export interface WaitForTaskInput {
  connection: string;
  jobId: string;
  taskId: string;
  /**
   * Return once the task has left `active` ('started'), reached `completed`, or
   * — after a terminate, when a task that never ran may stay active — once the
   * job itself has completed ('jobEnded').
   */
  until: 'started' | 'completed' | 'jobEnded';
}

function toIso(date: Date | undefined): string | undefined {
  return date ? new Date(date).toISOString() : undefined;
}

export async function taskExists(batch: BatchServiceClient, jobId: string, taskId: string): Promise<boolean> {
  try {
    await batch.task.get(jobId, taskId, { taskGetOptions: { select: 'id' } });
    return true;
  } catch (error) {
    if (batchErrorCode(error) === 'TaskNotFound') return false;
    throw error;
  }
}

export function createBatchActivities(clients: ConnectionClients) {
  async function observeTask(connection: string, jobId: string, taskId: string, withJob = false): Promise<TaskObservation> {
    const { batch } = clients.get(connection);
    const task = await batch.task.get(jobId, taskId);
    const info = task.executionInfo;
    const observation: TaskObservation = {
      state: (task.state ?? 'active') as TaskObservation['state'],
      exitCode: info?.exitCode,
      result: info?.result,
      startTime: toIso(info?.startTime),
      endTime: toIso(info?.endTime),
    };
    if (info?.failureInfo) {
      observation.failure = {
        category: info.failureInfo.category,
        code: info.failureInfo.code,
        message: info.failureInfo.message,
      };
    }
    if (observation.state === 'completed' || withJob) {
      const job = await batch.job.get(jobId);
      const reason = job.executionInfo?.terminateReason;
      if (reason && reason !== 'AllTasksComplete') observation.jobTerminateReason = reason;
      observation.jobCompleted = job.state === 'completed';
    }
    return observation;
  }

  /** Observes the task until `until` is reached or `deadline` (epoch ms) passes; the wait backs off from 50 ms. */
  async function pollTask(input: WaitForTaskInput, deadline: number, onWait: (observation: TaskObservation) => void): Promise<TaskObservation> {
    const context = Context.current();
    let intervalMs = 50;
    for (;;) {
      const observation = await observeTask(input.connection, input.jobId, input.taskId, input.until === 'jobEnded');
      // An ended job's task may still read running for a moment before its exit code is recorded.
      const stillRunning = observation.state === 'running' || observation.state === 'preparing';
      const reached =
        input.until === 'started'
          ? observation.state !== 'active'
          : observation.state === 'completed' || (input.until === 'jobEnded' && observation.jobCompleted === true && !stillRunning);
      if (reached || Date.now() + intervalMs > deadline) return observation;
      onWait(observation);
      await context.sleep(intervalMs);
      intervalMs = Math.min(intervalMs * 1.5, 5_000);
    }
  }

  return {
    async getPoolFacts(connection: string, poolId: string): Promise<PoolFacts> {
      const { batch } = clients.get(connection);
      try {
        const pool = await batch.pool.get(poolId);
        return { taskSlotsPerNode: pool.taskSlotsPerNode ?? 1 };
      } catch (error) {
        if (batchErrorCode(error) === 'PoolNotFound') {
          throw invalidInput(`PoolID: there is no pool '${poolId}' in the Batch account of connection '${connection}'.`, 'PoolNotFound');
        }
        throw error;
      }
    },

    /** Idempotent: a job that already exists with our workflow's metadata is ours. */
    async createAzureJob(input: CreateAzureJobInput): Promise<void> {
      const { batch } = clients.get(input.connection);
      const job: BatchServiceModels.JobAddParameter = {
        id: input.jobId,
        priority: input.priority,
        poolInfo: { poolId: input.poolId },
        onAllTasksComplete: input.endsWithTasks ? 'terminatejob' : 'noaction',
        usesTaskDependencies: false,
        metadata: [{ name: workflowIdMetadataKey, value: input.workflowId }, ...(input.record ? [jobRecordMetadata(input.record)] : [])],
      };
      try {
        await batch.job.add(job);
      } catch (error) {
        if (batchErrorCode(error) !== 'JobExists') throw error;
        const existing = await batch.job.get(input.jobId);
        const owner = existing.metadata?.find((item) => item.name === workflowIdMetadataKey)?.value;
        if (owner !== input.workflowId) {
          throw invalidInput(`Azure job '${input.jobId}' already exists and belongs to someone else (${owner ?? 'no owner'}).`, 'JobExists');
        }
      }
    },

    /**
     * Idempotent: TaskExists means an earlier attempt of this activity added it, and so
     * does JobCompleted when the task is there (it ran, and the job ended with it).
     */
    async addJobTask(input: AddJobTaskInput): Promise<void> {
      const { batch, sas } = clients.get(input.connection);
      const container = jobContainerName(input.jobId);
      const outputUrl = await sas.containerWriteUrl(container, sasLifetimeMs);
      const task = taskDefinition(input.taskId, input, await signInputs(sas, container, input.inputBlobs), outputUrl);
      try {
        await batch.task.add(input.jobId, task);
      } catch (error) {
        const code = batchErrorCode(error);
        if (code === 'TaskExists') return;
        if (code === 'JobCompleted' && (await taskExists(batch, input.jobId, input.taskId))) return;
        throw error;
      }
    },

    /**
     * Polls Batch inside one long activity, heartbeating, so workflow history
     * grows per state change rather than per poll. The interval backs off while
     * nothing changes, from a short first wait: a trivial task is done in a fraction of a second.
     */
    async waitForTaskState(input: WaitForTaskInput): Promise<TaskObservation> {
      const context = Context.current();
      return pollTask(input, Infinity, (observation) => context.heartbeat(observation.state));
    },

    async observeTask(input: { connection: string; jobId: string; taskId: string }): Promise<TaskObservation> {
      return observeTask(input.connection, input.jobId, input.taskId);
    },

    /**
     * Keeps a job whose workflow closes with failures active until `until`, and
     * says so in its metadata: whatever terminates Azure jobs of closed
     * workflows leaves it alone until then. Idempotent.
     */
    async openRetryWindow(input: { connection: string; jobId: string; until: string }): Promise<void> {
      const { batch } = clients.get(input.connection);
      const job = await batch.job.get(input.jobId, { jobGetOptions: { select: 'metadata' } });
      const metadata = (job.metadata ?? []).filter((item) => item.name !== retryUntilMetadataKey);
      await batch.job.patch(input.jobId, { metadata: [...metadata, { name: retryUntilMetadataKey, value: input.until }] });
    },

    /**
     * Reruns a failed task of an active job (same id, same definition). A job
     * already ended cannot rerun anything: that is the caller's input error.
     * Idempotent: a task active or running again was reactivated by an earlier attempt.
     */
    async reactivateTask(input: { connection: string; jobId: string; taskId: string }): Promise<void> {
      const { batch } = clients.get(input.connection);
      try {
        await batch.task.reactivate(input.jobId, input.taskId);
      } catch (error) {
        const code = batchErrorCode(error);
        if (code === 'JobCompleted' || code === 'JobNotFound' || code === 'TaskNotFound') {
          throw invalidInput(`Azure job '${input.jobId}' has ended (${code}): its task can no longer be rerun.`, 'InvalidInput');
        }
        const task = await batch.task.get(input.jobId, input.taskId, { taskGetOptions: { select: 'state' } });
        if (task.state !== 'completed') return;
        throw error;
      }
    },

    /** Idempotent: a job already completed stays as it is. */
    async terminateAzureJob(input: { connection: string; jobId: string; reason: string }): Promise<void> {
      const { batch } = clients.get(input.connection);
      try {
        await batch.job.terminate(input.jobId, { terminateReason: input.reason });
      } catch (error) {
        const code = batchErrorCode(error);
        if (code !== 'JobCompleted' && code !== 'JobNotFound' && code !== 'JobTerminating') throw error;
      }
    },
  };
}

export type BatchActivities = ReturnType<typeof createBatchActivities>;
