import type { BatchServiceClient, BatchServiceModels } from '@azure/batch';
import { Context } from '@temporalio/activity';
import type { ConnectionClients } from '../azure/connectionClients';
import { type AzureJobRecord, jobRecordMetadata } from '../model/azureJobRecord';
import { jobContainerName, resultFileName, taskOutputPath } from '../model/conventions';
import { defaultInfrastructureRetries, failureKind, infrastructureAttempts, infrastructureBackoffMs, withEndedAttempts } from '../model/failureKind';
import type { TaskObservation } from '../model/jobSpec';
import { outcomeOfTask } from '../model/outcome';
import { outputOrderMetadata, uploadsLogsLast } from '../model/outputOrder';
import { retryUntilMetadataKey, workflowIdMetadataKey } from '../model/retry';
import { scriptBundleFileName } from '../model/scriptJob';
import { batchErrorCode, invalidInput } from './batchErrors';
import { jobPoolWaitingReason } from './batchLimits';
import { sleepHeartbeating } from './heartbeat';
import { missingOutputs, restoreOutputsFromNode, resultLeftOnNode, withUnreadableOutputs } from './outputVerification';
import { reactivateTask, readTaskAttempts, writeTaskAttempts } from './taskReruns';
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
    return (await observeTaskAndJob(connection, jobId, taskId, withJob)).observation;
  }

  async function observeTaskAndJob(connection: string, jobId: string, taskId: string, withJob = false) {
    const { batch } = clients.get(connection);
    const task = await batch.task.get(jobId, taskId);
    const info = task.executionInfo;
    const observation: TaskObservation = {
      state: (task.state ?? 'active') as TaskObservation['state'],
      exitCode: info?.exitCode,
      result: info?.result,
      startTime: toIso(info?.startTime),
      endTime: toIso(info?.endTime),
      ...(info?.retryCount ? { retryCount: info.retryCount } : {}),
    };
    if (info?.failureInfo) {
      observation.failure = {
        category: info.failureInfo.category,
        code: info.failureInfo.code,
        message: info.failureInfo.message,
      };
    }
    let logsLast = false;
    if (observation.state === 'completed' || withJob) {
      const job = await batch.job.get(jobId);
      const reason = job.executionInfo?.terminateReason;
      if (reason && reason !== 'AllTasksComplete') observation.jobTerminateReason = reason;
      observation.jobCompleted = job.state === 'completed';
      logsLast = uploadsLogsLast(job.metadata);
    }
    const expectsResult = task.resourceFiles?.some((file) => file.filePath === scriptBundleFileName) ?? false;
    return { observation, expectsResult, logsLast };
  }

  /**
   * A completed task's outcome, verified: success needs its outputs readable in
   * storage. An infrastructure failure is rerun (reactivated, with backoff) up
   * to the default number of times, each attempt recorded for JobAttempts;
   * 'rerun' then. Otherwise the outcome is final; who ends the Azure job is the
   * workflow's business.
   */
  async function settleCompletedTask(
    input: { connection: string; jobId: string; taskId: string },
    seen: Awaited<ReturnType<typeof observeTaskAndJob>>,
  ): Promise<TaskObservation | 'rerun'> {
    const { batch, blobs } = clients.get(input.connection);
    const container = blobs.getContainerClient(jobContainerName(input.jobId));
    let observation = seen.observation;
    if (failureKind(observation) === undefined) {
      const missing = await missingOutputs(container, input.taskId, seen.expectsResult);
      const resultBlob = taskOutputPath(input.taskId, resultFileName);
      // A command's result is optional: unless its logs vouch for it (model/outputOrder), only its node tells whether storage lost one.
      const nodeKnowsBetter = !seen.logsLast || missing.length > 0;
      if (!seen.expectsResult && nodeKnowsBetter && !(await container.getBlobClient(resultBlob).exists()) && (await resultLeftOnNode(batch, input.jobId, input.taskId))) {
        missing.push(resultBlob);
      }
      const restored = missing.length > 0 && (await restoreOutputsFromNode(batch, container, input.jobId, input.taskId, missing));
      if (restored) Context.current().log.warn('task outputs lost by storage were uploaded again from the node', { jobId: input.jobId, taskId: input.taskId, missing });
      else observation = withUnreadableOutputs(observation, missing);
    }
    const kind = failureKind(observation);
    const recorded = await readTaskAttempts(container, input.taskId);
    const completion = { endTime: observation.endTime, batchRetries: observation.retryCount ?? 0 };
    const context = Context.current();
    if (kind === 'infrastructure' && infrastructureAttempts(recorded) < defaultInfrastructureRetries) {
      const reason = outcomeOfTask(observation).statusReason ?? 'infrastructure failure';
      const attempts = withEndedAttempts(recorded, completion, { kind, reason });
      await writeTaskAttempts(container, input.taskId, attempts);
      context.log.warn('rerunning a task after an infrastructure failure', { jobId: input.jobId, taskId: input.taskId, attempt: attempts.length + 1, reason });
      await sleepHeartbeating(context, infrastructureBackoffMs(infrastructureAttempts(attempts)), 'rerun');
      if (await reactivateTask(batch, input.jobId, input.taskId)) return 'rerun';
    } else if (completion.batchRetries > 0) {
      const attempts = withEndedAttempts(recorded, completion);
      if (attempts.length !== recorded.length) await writeTaskAttempts(container, input.taskId, attempts);
    }
    return observation;
  }

  /**
   * Observes the task until `until` is reached or `deadline` (epoch ms) passes;
   * the wait backs off from 50 ms. A completed task is settled first (outputs
   * verified, an infrastructure failure rerun), so what returns is its outcome.
   */
  async function pollTask(
    input: WaitForTaskInput,
    deadline: number,
    onWait: (observation: TaskObservation, waitingReason?: string) => void,
  ): Promise<TaskObservation> {
    const context = Context.current();
    let intervalMs = 50;
    for (;;) {
      const seen = await observeTaskAndJob(input.connection, input.jobId, input.taskId, input.until === 'jobEnded');
      if (seen.observation.state === 'completed' && input.until !== 'jobEnded') {
        const settled = await settleCompletedTask(input, seen);
        if (settled !== 'rerun') return settled;
        intervalMs = 50;
        continue;
      }
      const observation = seen.observation;
      // An ended job's task may still read running for a moment before its exit code is recorded.
      const stillRunning = observation.state === 'running' || observation.state === 'preparing';
      const reached =
        input.until === 'started'
          ? observation.state !== 'active'
          : observation.state === 'completed' || (input.until === 'jobEnded' && observation.jobCompleted === true && !stillRunning);
      if (reached || Date.now() + intervalMs > deadline) return observation;
      // A task that stays active may wait on its pool (no nodes, resize errors): the heartbeat says so.
      const waiting = observation.state === 'active' && intervalMs >= 2000 ? await jobPoolWaitingReason(clients.get(input.connection).batch, input.jobId) : undefined;
      onWait(observation, waiting);
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
        // Only runs recorded before the workflow ended its own Azure job ask for 'terminatejob' (then a task that
        // failed for the platform's reasons cannot be rerun); otherwise the workflow ends the job once it is done.
        onAllTasksComplete: input.endsWithTasks ? 'terminatejob' : 'noaction',
        usesTaskDependencies: false,
        metadata: [{ name: workflowIdMetadataKey, value: input.workflowId }, outputOrderMetadata, ...(input.record ? [jobRecordMetadata(input.record)] : [])],
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
      return pollTask(input, Infinity, (observation, waiting) => context.heartbeat(waiting ?? observation.state));
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
