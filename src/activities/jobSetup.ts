import { blobCount, elementChunkBlob } from '../model/arrayJob';
import type { AzureJobRecord } from '../model/azureJobRecord';
import { RemoteBatchError } from '../model/errors';
import type { TaskInputBlob, TaskTemplate } from '../model/taskTemplate';
import { taskDefinition } from '../azure/taskDefinition';
import type { AzureGateways, ConnectionGateways } from '../azure/gateways';
import type { JobStorage } from '../azure/jobStorage';
import { retryUntilMetadataKey } from '../azure/batchGateway';
import { rerunTask } from './taskRerun';

export interface PrepareAzureJobInput {
  connection: string;
  jobId: string;
  poolId: string;
  /** Batch priority, -1000 … 1000. */
  priority: number;
  /** Task slots each task needs (VCPUCount): more than a node of the pool has is refused. */
  requiredSlots: number;
  /** The workflow id that owns the Azure job. */
  owner: string;
  record: AzureJobRecord;
  /** Small files the workflow input carries, uploaded before the job is created. */
  inlineInputs: { blob: string; content: string }[];
  /** An array's children: its element chunks must be in storage before anything is created. */
  childCount?: number;
  /** An array's MaxParallel: the Azure job's maxParallelTasks. */
  maxParallelTasks?: number;
}

export interface AddSingleTaskInput {
  connection: string;
  jobId: string;
  taskId: string;
  template: TaskTemplate;
  inputBlobs: TaskInputBlob[];
}

export class RefusedInputError extends RemoteBatchError {
  constructor(message: string) {
    super(message, 'InvalidInput', 400);
    this.name = 'RefusedInputError';
  }
}

/** Read-only SAS URLs for input blobs, placed in the working directory under their names. */
export function resourceFilesOf(storage: JobStorage, blobs: TaskInputBlob[]) {
  return Promise.all(blobs.map(async ({ name, blob }) => ({ httpUrl: await storage.inputUrl(blob), filePath: name })));
}

async function requireElementChunks(storage: JobStorage, childCount: number): Promise<void> {
  const stored = new Set((await storage.list('inputs/elements/')).map((file) => file.blobName));
  const missing = Array.from({ length: blobCount(childCount) }, (_, index) => elementChunkBlob(index)).filter((blob) => !stored.has(blob));
  if (missing.length === 0) return;
  throw new RefusedInputError(
    `elementCount: the array's elements are not in storage: ${missing.length} element chunk(s) missing from container ${storage.containerName}, ` +
      `starting with ${missing[0]}. Upload every chunk (schema/arrayJob.input.json) before starting the workflow.`,
  );
}

/**
 * Everything before the first task, each step idempotent: the pool can run
 * the tasks, the inputs are in storage, the Azure job exists. A refusal
 * (unknown pool, too many slots, missing elements) comes before anything is
 * created in Batch.
 */
async function prepareAzureJob({ batch, storage }: ConnectionGateways, input: PrepareAzureJobInput): Promise<void> {
  const slots = await batch.poolSlots(input.poolId);
  if (input.requiredSlots > slots) {
    throw new RefusedInputError(
      `VCPUCount ${input.requiredSlots} is more than the ${slots} task slots per node of pool '${input.poolId}'; the task could never be scheduled.`,
    );
  }
  const job = storage.job(input.jobId);
  await job.create();
  await Promise.all(input.inlineInputs.map((file) => job.uploadText(file.blob, file.content)));
  if (input.childCount !== undefined) await requireElementChunks(job, input.childCount);
  await batch.createJob({
    jobId: input.jobId,
    poolId: input.poolId,
    priority: input.priority,
    owner: input.owner,
    record: input.record,
    ...(input.maxParallelTasks !== undefined ? { maxParallelTasks: input.maxParallelTasks } : {}),
  });
}

async function addSingleTask({ batch, storage }: ConnectionGateways, input: AddSingleTaskInput): Promise<void> {
  const job = storage.job(input.jobId);
  const task = taskDefinition(input.taskId, input.template, await resourceFilesOf(job, input.inputBlobs), await job.outputUrl());
  await batch.addTask(input.jobId, task);
}

export function jobSetupActivities(gateways: AzureGateways) {
  return {
    prepareAzureJob: (input: PrepareAzureJobInput) => prepareAzureJob(gateways.get(input.connection), input),
    addSingleTask: (input: AddSingleTaskInput) => addSingleTask(gateways.get(input.connection), input),

    /** Ends the Azure job (idempotent): once the workflow is done with it, or to abort it. */
    endAzureJob: (input: { connection: string; jobId: string; reason: string }) => gateways.get(input.connection).batch.terminateJob(input.jobId, input.reason),

    /** An array's MaxParallel changed while it runs (null: no limit); false once its Azure job has ended. */
    setMaxParallel: (input: { connection: string; jobId: string; maxParallel: number | null }) =>
      gateways.get(input.connection).batch.setMaxParallelTasks(input.jobId, input.maxParallel),

    /**
     * Keeps a job whose run closes with failures active until `until`, and
     * says so in its metadata, so the reconciler leaves it alone until then.
     */
    openRetryWindow: (input: { connection: string; jobId: string; until: string }) =>
      gateways.get(input.connection).batch.setJobMetadata(input.jobId, retryUntilMetadataKey, input.until),

    /** A retry's rerun of a failed single job's task; refused once its Azure job has ended. */
    async rerunSingleTask(input: { connection: string; jobId: string; taskId: string }): Promise<void> {
      if (!(await rerunTask(gateways.get(input.connection), input.jobId, input.taskId))) {
        throw new RefusedInputError(`Azure job '${input.jobId}' has ended: its task can no longer be rerun.`);
      }
    },
  };
}
