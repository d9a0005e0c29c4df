import { ApplicationFailure, patched } from '@temporalio/workflow';
import { jobFailedType } from '../model/retry';

/**
 * Whether this run closes as its job ends: completed when it succeeded, failed
 * (RemoteBatchJobFailed, the final state as details) when it failed, so the
 * Temporal UI's badge and Failures filter tell the truth. Runs started before
 * this existed always completed: they replay as they ran.
 */
export function closesAsJobEnds(): boolean {
  return patched('workflow-status-is-job-status');
}

/** The failure a run closes with when its job ended Failed; the state rides along as details. */
export function jobFailed(jobId: string, statusReason: string | undefined, state: object): ApplicationFailure {
  const message = `Job ${jobId} failed: ${statusReason ?? 'no reason recorded'}`;
  const failure = ApplicationFailure.create({ type: jobFailedType, message, nonRetryable: true, details: [state] });
  // The job's outcome, not a fault of this code: a stack trace (naming the worker's files) would only mislead.
  failure.stack = `${jobFailedType}: ${message}`;
  return failure;
}
