import type { BatchServiceClient, BatchServiceModels } from '@azure/batch';
import type { ContainerClient } from '@azure/storage-blob';
import { taskAttemptsBlob } from '../model/conventions';
import type { TaskAttempt } from '../model/failureKind';
import { batchErrorCode } from './batchErrors';
import { readJsonBlob } from './jsonBlob';

/**
 * Runs a completed task again under the same id. Batch reactivates only a task
 * that failed; one it calls successful whose outputs storage lost is added anew
 * from its own definition after the old one is deleted. False when Batch
 * cannot: the job has completed, so the task's failure stands.
 */
export async function reactivateTask(batch: BatchServiceClient, jobId: string, taskId: string): Promise<boolean> {
  try {
    await batch.task.reactivate(jobId, taskId);
    return true;
  } catch (error) {
    const code = batchErrorCode(error);
    // Already active again: an earlier attempt of this activity reactivated it.
    if (code === 'TaskNotCompleted' || code === 'TaskAlreadyActive') return true;
    if (code === 'JobCompleted' || code === 'JobNotActive') return false;
    if (code === 'OperationInvalidForCurrentState') return recreateTask(batch, jobId, taskId);
    throw error;
  }
}

async function recreateTask(batch: BatchServiceClient, jobId: string, taskId: string): Promise<boolean> {
  const task = await batch.task.get(jobId, taskId);
  if (task.state !== 'completed') return true;
  const again: BatchServiceModels.TaskAddParameter = {
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
  await batch.task.deleteMethod(jobId, taskId);
  try {
    await batch.task.add(jobId, again);
  } catch (error) {
    const code = batchErrorCode(error);
    if (code === 'JobCompleted' || code === 'JobNotActive') return false;
    if (code !== 'TaskExists') throw error;
  }
  return true;
}

/** A single job's recorded attempts; none when nothing was rerun. */
export async function readTaskAttempts(container: ContainerClient, taskId: string): Promise<TaskAttempt[]> {
  return ((await readJsonBlob(container, taskAttemptsBlob(taskId))) as TaskAttempt[] | undefined) ?? [];
}

export async function writeTaskAttempts(container: ContainerClient, taskId: string, attempts: TaskAttempt[]): Promise<void> {
  const text = JSON.stringify(attempts);
  await container.getBlockBlobClient(taskAttemptsBlob(taskId)).upload(text, Buffer.byteLength(text));
}
