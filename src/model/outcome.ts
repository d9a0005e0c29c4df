import { inputBlobName } from './conventions';
import { scriptBundleFileName } from './scriptJob';
import type { TaskObservation } from './taskObservation';
import type { SingleJobStatus } from './status';

/** The prefix that tells a user the client, not Batch, ended the job (the seed's RemoteBatchJobAbort). */
const clientTerminationPrefix = 'Terminated at the request of the remote-batch client';

export function clientTerminationReason(reason: string): string {
  return `${clientTerminationPrefix}: ${reason}`;
}

/** Batch keeps at most 64 characters of a terminate reason; the full one is the job's JobStatusReason. */
export function azureTerminateReason(reason: string): string {
  return `remote-batch abort: ${reason}`.slice(0, 64);
}

/** How a job was ended early: by the client's abort, or by a cancellation request to its workflow. */
export interface JobAbort {
  /** The reason as given (an abort's own words), or what a cancellation says. */
  reason: string;
  /** The job's JobStatusReason. */
  statusReason: string;
  /** What Azure records as the job's terminate reason (at most 64 characters). */
  azureReason: string;
}

export function clientAbort(reason: string): JobAbort {
  return { reason, statusReason: clientTerminationReason(reason), azureReason: azureTerminateReason(reason) };
}

/** The prefix of the JobStatusReason of a job whose workflow got a cancellation request (Temporal UI, `temporal workflow cancel`). */
export const temporalCancellationPrefix = 'Cancelled from Temporal';

export function temporalCancellation(identity: string | undefined): JobAbort {
  const by = identity ? ` by ${identity}` : '';
  return {
    reason: `cancelled from Temporal${by}`,
    statusReason: `${temporalCancellationPrefix}${by}: the workflow got a cancellation request, so the Azure job was terminated.`,
    azureReason: `remote-batch: workflow cancelled${by}`.slice(0, 64),
  };
}

export interface Outcome {
  status: SingleJobStatus;
  statusReason?: string;
  exitCode?: number;
}

/** A blob a task's failure is about, named so a user finds it: its name, the job whose container holds it, and what it is when it is ours. */
function blobDescription(blob: { container: string; name: string }): string {
  const jobId = blob.container.startsWith('job-') ? blob.container.slice('job-'.length) : undefined;
  const what = blob.name === inputBlobName(scriptBundleFileName) ? " (the job's bundled script)" : '';
  return `blob '${blob.name}'${what} of ${jobId ? `job ${jobId} (container ${blob.container})` : `container ${blob.container}`}`;
}

/**
 * Status and reason of a finished task from Batch's facts (an aborted one's
 * reason is the abort's JobStatusReason). `Succeeded` needs exit
 * code 0 *and* a successful result, which Batch reports only when the output
 * files were uploaded too.
 */
export function outcomeOfTask(task: TaskObservation, abortStatusReason?: string): Outcome {
  const exitCode = task.exitCode;
  if (abortStatusReason !== undefined) {
    return { status: 'Failed', statusReason: abortStatusReason, exitCode };
  }
  if (task.result === 'success' && exitCode === 0) {
    return { status: 'Succeeded', statusReason: 'The task exited with code 0 and its outputs were uploaded.', exitCode };
  }
  const parts: string[] = [];
  if (task.failure) {
    const { message, category, code, blob } = task.failure;
    parts.push(`${message ?? 'The task failed'}${code ? ` (${category ? `${category} error ` : ''}${code})` : ''}${blob ? `: ${blobDescription(blob)}` : ''}.`);
  }
  if (exitCode !== undefined && exitCode !== 0) parts.push(`The task exited with code ${exitCode}.`);
  if (task.jobTerminateReason) parts.push(`The Azure job was terminated: ${task.jobTerminateReason}.`);
  if (parts.length === 0) parts.push('The task did not complete successfully.');
  return { status: 'Failed', statusReason: parts.join(' '), exitCode };
}
