import type { BatchServiceClient } from '@azure/batch';
import type { ContainerClient } from '@azure/storage-blob';
import { resultFileName, stderrFileName, stdoutFileName, taskLogPath, taskOutputPath } from '../model/conventions';
import type { TaskObservation } from '../model/jobSpec';
import { batchErrorCode, batchStatusCode } from './batchErrors';

/** The blobs a task that succeeded must have left in storage: its logs, and its result when it always writes one. */
export function requiredOutputs(taskId: string, expectsResult: boolean): string[] {
  return [
    taskLogPath(taskId, stdoutFileName),
    taskLogPath(taskId, stderrFileName),
    ...(expectsResult ? [taskOutputPath(taskId, resultFileName)] : []),
  ];
}

/** Required outputs of a task that storage does not have (checked one by one; arrays use a listing instead). */
export async function missingOutputs(container: ContainerClient, taskId: string, expectsResult: boolean): Promise<string[]> {
  const required = requiredOutputs(taskId, expectsResult);
  const present = await Promise.all(required.map((blob) => container.getBlobClient(blob).exists()));
  return required.filter((_, at) => !present[at]);
}

/**
 * A task Batch calls successful whose outputs are not readable is an
 * infrastructure failure: what storage accepted was lost, or never arrived.
 */
export function withUnreadableOutputs(observation: TaskObservation, missing: string[]): TaskObservation {
  if (missing.length === 0) return observation;
  return {
    ...observation,
    result: 'failure',
    failure: {
      category: 'ServerError',
      code: 'OutputsNotReadable',
      message: `The task completed but its outputs are not readable in storage (${missing.join(', ')})`,
    },
  };
}

/** Where a required output was on the compute node (Batch keeps a task's files there for its retention time). */
function nodeFileOf(taskId: string, blob: string): string | undefined {
  if (blob === taskLogPath(taskId, stdoutFileName)) return stdoutFileName;
  if (blob === taskLogPath(taskId, stderrFileName)) return stderrFileName;
  if (blob === taskOutputPath(taskId, resultFileName)) return `wd/${resultFileName}`;
  return undefined;
}

/**
 * Uploads again, from the node's copy through Batch's file API, the outputs
 * storage lost after accepting them. True when every one is back; otherwise
 * the task has to run again.
 */
export async function restoreOutputsFromNode(
  batch: BatchServiceClient,
  container: ContainerClient,
  jobId: string,
  taskId: string,
  missing: string[],
): Promise<boolean> {
  for (const blob of missing) {
    const file = nodeFileOf(taskId, blob);
    if (!file) return false;
    let content: Buffer;
    try {
      const response = await batch.file.getFromTask(jobId, taskId, file);
      const chunks: Buffer[] = [];
      for await (const chunk of response.readableStreamBody ?? []) chunks.push(Buffer.from(chunk as Buffer));
      content = Buffer.concat(chunks);
    } catch (error) {
      if (batchErrorCode(error) === 'FileNotFound' || batchErrorCode(error) === 'TaskNotFound' || batchStatusCode(error) === 404) return false;
      throw error;
    }
    await container.getBlockBlobClient(blob).upload(content, content.length);
  }
  return true;
}

/**
 * Whether a task that may or may not write a result (a command) left one on
 * its node: storage not having it then means storage lost it.
 */
export async function resultLeftOnNode(batch: BatchServiceClient, jobId: string, taskId: string): Promise<boolean> {
  try {
    await batch.file.getPropertiesFromTask(jobId, taskId, `wd/${resultFileName}`);
    return true;
  } catch (error) {
    if (batchErrorCode(error) === 'FileNotFound' || batchErrorCode(error) === 'TaskNotFound' || batchStatusCode(error) === 404) return false;
    throw error;
  }
}
