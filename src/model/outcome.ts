import type { TaskObservation } from './jobSpec';
import type { SingleJobStatus } from './status';

/** The prefix that tells a user the client, not Batch, ended the job (the seed's RemoteBatchJobAbort). */
export const clientTerminationPrefix = 'Terminated at the request of the remote-batch client';

export function clientTerminationReason(reason: string): string {
  return `${clientTerminationPrefix}: ${reason}`;
}

/** Batch keeps at most 64 characters of a terminate reason; the full one is the job's JobStatusReason. */
export function azureTerminateReason(reason: string): string {
  return `remote-batch abort: ${reason}`.slice(0, 64);
}

export interface Outcome {
  status: SingleJobStatus;
  statusReason?: string;
  exitCode?: number;
}

/**
 * Status and reason of a finished task from Batch's facts. `Succeeded` needs exit
 * code 0 *and* a successful result, which Batch reports only when the output
 * files were uploaded too.
 */
export function outcomeOfTask(task: TaskObservation, abortReason?: string): Outcome {
  const exitCode = task.exitCode;
  if (abortReason !== undefined) {
    return { status: 'Failed', statusReason: clientTerminationReason(abortReason), exitCode };
  }
  if (task.result === 'success' && exitCode === 0) {
    return { status: 'Succeeded', statusReason: 'The task exited with code 0 and its outputs were uploaded.', exitCode };
  }
  const parts: string[] = [];
  if (task.failure) {
    const { message, category, code } = task.failure;
    parts.push(`${message ?? 'The task failed'}${code ? ` (${category ? `${category} error ` : ''}${code})` : ''}.`);
  }
  if (exitCode !== undefined && exitCode !== 0) parts.push(`The task exited with code ${exitCode}.`);
  if (task.jobTerminateReason) parts.push(`The Azure job was terminated: ${task.jobTerminateReason}.`);
  if (parts.length === 0) parts.push('The task did not complete successfully.');
  return { status: 'Failed', statusReason: parts.join(' '), exitCode };
}
