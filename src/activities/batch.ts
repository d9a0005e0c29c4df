import type { BatchServiceModels } from '@azure/batch';
import { Context } from '@temporalio/activity';
import type { ConnectionClients } from '../azure/connectionClients';
import { jobContainerName, jobOutputFolder, resultFileName, evaluationFileName, taskLogPath, taskOutputPath } from '../model/conventions';
import type { TaskObservation } from '../model/jobSpec';
import { batchErrorCode, invalidInput } from './batchErrors';

export interface PoolFacts {
  taskSlotsPerNode: number;
}

export interface CreateAzureJobInput {
  connection: string;
  jobId: string;
  poolId: string;
  priority: number;
  workflowId: string;
}

export interface AddJobTaskInput {
  connection: string;
  jobId: string;
  taskId: string;
  commandLine: string;
  requiredSlots: number;
  containerImage: string;
  /** Blobs of the job's container placed in the working directory: name in wd → blob. */
  inputBlobs: { name: string; blob: string }[];
  environment: Record<string, string>;
  maxWallClockSeconds?: number;
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

const sasLifetimeMs = 7 * 24 * 3600_000;

function toIso(date: Date | undefined): string | undefined {
  return date ? new Date(date).toISOString() : undefined;
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
        onAllTasksComplete: 'terminatejob',
        usesTaskDependencies: false,
        metadata: [{ name: 'remote-batch-workflow-id', value: input.workflowId }],
      };
      try {
        await batch.job.add(job);
      } catch (error) {
        if (batchErrorCode(error) !== 'JobExists') throw error;
        const existing = await batch.job.get(input.jobId);
        const owner = existing.metadata?.find((item) => item.name === 'remote-batch-workflow-id')?.value;
        if (owner !== input.workflowId) {
          throw invalidInput(`Azure job '${input.jobId}' already exists and belongs to someone else (${owner ?? 'no owner'}).`, 'JobExists');
        }
      }
    },

    /** Idempotent: TaskExists means an earlier attempt of this activity added it. */
    async addJobTask(input: AddJobTaskInput): Promise<void> {
      const { batch, sas } = clients.get(input.connection);
      const container = jobContainerName(input.jobId);
      const resourceFiles = await Promise.all(
        input.inputBlobs.map(async ({ name, blob }) => ({
          httpUrl: await sas.blobReadUrl(container, blob, sasLifetimeMs),
          filePath: name,
        })),
      );
      const outputUrl = await sas.containerWriteUrl(container, sasLifetimeMs);
      const destination = (path: string) => ({ container: { containerUrl: outputUrl, path } });
      const task: BatchServiceModels.TaskAddParameter = {
        id: input.taskId,
        commandLine: input.commandLine,
        requiredSlots: input.requiredSlots,
        containerSettings: { imageName: input.containerImage },
        resourceFiles,
        environmentSettings: Object.entries(input.environment).map(([name, value]) => ({ name, value })),
        constraints: {
          maxTaskRetryCount: 0,
          ...(input.maxWallClockSeconds ? { maxWallClockTime: `PT${Math.ceil(input.maxWallClockSeconds)}S` } : {}),
        },
        outputFiles: [
          {
            filePattern: '../std*.txt',
            destination: destination(taskLogPath(input.taskId)),
            uploadOptions: { uploadCondition: 'taskcompletion' },
          },
          {
            filePattern: resultFileName,
            destination: destination(taskOutputPath(input.taskId, resultFileName)),
            uploadOptions: { uploadCondition: 'taskcompletion' },
          },
          {
            filePattern: evaluationFileName,
            destination: destination(taskOutputPath(input.taskId, evaluationFileName)),
            uploadOptions: { uploadCondition: 'taskcompletion' },
          },
          {
            filePattern: `${jobOutputFolder}/**/*`,
            destination: destination(taskOutputPath(input.taskId, jobOutputFolder)),
            uploadOptions: { uploadCondition: 'taskcompletion' },
          },
        ],
      };
      try {
        await batch.task.add(input.jobId, task);
      } catch (error) {
        if (batchErrorCode(error) !== 'TaskExists') throw error;
      }
    },

    /**
     * Polls Batch inside one long activity, heartbeating, so workflow history
     * grows per state change rather than per poll. The interval backs off while
     * nothing changes.
     */
    async waitForTaskState(input: WaitForTaskInput): Promise<TaskObservation> {
      const context = Context.current();
      let intervalMs = 250;
      for (;;) {
        const observation = await observeTask(input.connection, input.jobId, input.taskId, input.until === 'jobEnded');
        const reached =
          input.until === 'started'
            ? observation.state !== 'active'
            : observation.state === 'completed' || (input.until === 'jobEnded' && observation.jobCompleted === true);
        if (reached) return observation;
        context.heartbeat(observation.state);
        await context.sleep(intervalMs);
        intervalMs = Math.min(intervalMs * 1.5, 5_000);
      }
    },

    async observeTask(input: { connection: string; jobId: string; taskId: string }): Promise<TaskObservation> {
      return observeTask(input.connection, input.jobId, input.taskId);
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
