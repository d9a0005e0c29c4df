import { isFinished, type JobStatus } from './status';


/** Container metadata a client writes on upload and clears once the workflow started: a pending submission. */
export const pendingUploadMetadata = { uploadedAt: 'remotebatchuploadedat', workflowId: 'remotebatchworkflowid' } as const;


/** What Temporal says of the workflow named in an Azure job's metadata; undefined when it does not exist. */
export interface WorkflowFacts {
  /** Temporal's execution status name: RUNNING, COMPLETED, FAILED, CANCELLED, TERMINATED, TIMED_OUT, CONTINUED_AS_NEW. */
  executionStatus: string;
  closeTime?: string;
  /** The job status the workflow last recorded (memo state / RemoteBatchJobStatus). */
  jobStatus?: JobStatus;
}

export interface ActiveAzureJobFacts {
  createdAt?: string;
  retryUntil?: string;
  /** Whether the Azure job's metadata says what it is (see azureJobRecord): a final status can then be recorded without its workflow. */
  recorded?: boolean;
}

/** Why a job whose workflow is gone from Temporal was ended. */
const deletedWorkflowReason = 'its workflow was deleted from Temporal';

export type Reconciliation =
  | { action: 'none' }
  /** The job's own status is final (or nothing records it): only the Azure job needs ending. */
  | { action: 'terminate'; reason: string }
  /** The workflow closed before the job ended: terminate, then record the final status in a new run. */
  | { action: 'close'; reason: string };

const closedWorkflowReasons: Record<string, string> = {
  TERMINATED: 'its workflow was terminated in Temporal',
  TIMED_OUT: 'its workflow timed out in Temporal',
  CANCELED: 'its workflow was cancelled in Temporal',
  CANCELLED: 'its workflow was cancelled in Temporal',
  COMPLETED: 'its workflow completed in Temporal before the job ended',
  FAILED: 'its workflow failed in Temporal before the job ended',
  CONTINUED_AS_NEW: 'its workflow continued as new without a run to follow it',
};

/** What JobStatusReason says when the reconciler ended a job: who did it and why. */
export function reconcilerReason(why: string): string {
  return `Terminated by the remote-batch reconciler: ${why}.`;
}

/** Batch keeps at most 64 characters of a terminate reason. */
export function reconcilerAzureReason(why: string): string {
  return `remote-batch reconciler: ${why}`.slice(0, 64);
}

function olderThan(time: string | undefined, graceMs: number, now: Date): boolean {
  return time !== undefined && now.getTime() - new Date(time).getTime() > graceMs;
}

/**
 * What to do with an Azure job that is still active, from what Temporal says
 * of its workflow. Nothing happens within the grace period after the workflow
 * closed (or, for a workflow that does not exist, after the job was created),
 * nor while a closed array's retry window is open.
 */
export function reconcileActiveJob(job: ActiveAzureJobFacts, workflow: WorkflowFacts | undefined, now: Date, graceMs: number): Reconciliation {
  if (!workflow) {
    if (!olderThan(job.createdAt, graceMs, now)) return { action: 'none' };
    // The workflow created the Azure job, so it existed: it was deleted (or removed after the namespace's retention).
    return job.recorded
      ? { action: 'close', reason: deletedWorkflowReason }
      : { action: 'terminate', reason: 'its workflow does not exist in Temporal (deleted, or never started)' };
  }
  if (workflow.executionStatus === 'RUNNING' || !olderThan(workflow.closeTime, graceMs, now)) return { action: 'none' };
  if (workflow.jobStatus !== undefined && isFinished(workflow.jobStatus)) {
    const retryUntil = job.retryUntil === undefined ? NaN : Date.parse(job.retryUntil);
    if (Number.isFinite(retryUntil) && now.getTime() <= retryUntil) return { action: 'none' };
    return { action: 'terminate', reason: job.retryUntil !== undefined ? 'its retry window ended' : 'its workflow had closed' };
  }
  return { action: 'close', reason: closedWorkflowReason(workflow.executionStatus) };
}

export function closedWorkflowReason(executionStatus: string): string {
  return closedWorkflowReasons[executionStatus] ?? `its workflow closed (${executionStatus})`;
}

/**
 * Visibility query for runs that closed within [from, to] while their job was
 * still unfinished: a job whose Azure job ended on its own after its workflow
 * was terminated is found this way (the Azure side no longer lists it as active).
 */
export function staleRunsQuery(from: Date, to: Date): string {
  return (
    `ExecutionStatus != 'Running' AND ExecutionStatus != 'ContinuedAsNew' AND RemoteBatchJobStatus IN ('Active', 'Running') ` +
    `AND CloseTime > '${from.toISOString()}' AND CloseTime < '${to.toISOString()}'`
  );
}

/** The most passes one reconciler run makes, so a short interval does not grow its history without bound. */
export const maxPassesPerRun = 200;

/** How far back the reconciler looks for such runs. */
export const staleRunsHorizonMs = 7 * 24 * 3_600_000;
