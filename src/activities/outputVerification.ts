import type { ContainerClient } from '@azure/storage-blob';
import { resultFileName, stderrFileName, stdoutFileName, taskLogPath, taskOutputPath } from '../model/conventions';
import type { TaskObservation } from '../model/jobSpec';

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
