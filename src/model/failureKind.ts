import type { TaskObservation } from './taskObservation';

/**
 * *user*: the job's own doing (its exit code, a script error, its time limit) —
 * rerun only as MaxRetries says. *infrastructure*: not the job's fault (outputs
 * could not be uploaded or read back, a node was lost or preempted, storage or
 * Batch unreachable) — rerun automatically.
 */
export type FailureKind = 'user' | 'infrastructure';

/** Infrastructure reruns of one task before its failure is reported. */
export const defaultInfrastructureRetries = 3;

/**
 * Batch's failure codes that say the platform, not the job, failed. Batch files
 * upload and download errors under category "usererror" (the SAS or container
 * could be the user's), but our tasks' storage is ours: a failure there is ours.
 */
const infrastructureCodes = new Set([
  'FileUploadMiscError',
  'FileUploadContainerNotFound',
  'FileUploadOutputFileNotFound',
  'BlobDownloadMiscError',
  'ResourceFileDownloadFailed',
  'NodeLost',
  'NodePreempted',
  'TaskPreempted',
]);

/** What kind of failure a completed task had; undefined when it succeeded. */
export function failureKind(task: TaskObservation): FailureKind | undefined {
  if (task.result === 'success' && task.exitCode === 0) return undefined;
  // A terminated job (an abort) is never the platform's failure.
  if (task.jobTerminateReason) return 'user';
  const category = task.failure?.category?.toLowerCase();
  if (category === 'servererror') return 'infrastructure';
  if (task.failure?.code && infrastructureCodes.has(task.failure.code)) return 'infrastructure';
  return 'user';
}

/**
 * What ended an attempt that was run again: a failure of one of the kinds
 * above, or Batch requeueing the task (its node preempted, lost or removed),
 * which is no failure of anyone's and counts against no budget.
 */
export const attemptKinds = ['user', 'infrastructure', 'requeue'] as const;
export type AttemptKind = (typeof attemptKinds)[number];

/** One ended attempt of a task that was run again. */
export interface TaskAttempt {
  kind: AttemptKind;
  reason: string;
  /** When the completion that revealed this attempt ended (Batch's endTime): what makes recording idempotent. */
  round?: string;
  /** Set when RetryOn earned the rerun (its exit code was one of RetryOn's). */
  retryOn?: true;
}

export function infrastructureAttempts(attempts: readonly TaskAttempt[]): number {
  return attempts.filter((attempt) => attempt.kind === 'infrastructure').length;
}

/**
 * Records what one completion of a task revealed: the times Batch requeued it
 * (its requeueCount, which only grows, beyond the requeues already recorded),
 * the attempts Batch itself reran because of MaxRetries (its retryCount),
 * then the attempt that just ended when it is rerun now. A completion already
 * recorded changes nothing, so an activity that is retried records it once.
 */
export function withEndedAttempts(
  recorded: readonly TaskAttempt[],
  completion: { endTime?: string; batchRetries: number; requeues?: number },
  rerun?: { kind: FailureKind; reason: string; retryOn?: true },
): TaskAttempt[] {
  const round = completion.endTime ?? 'unknown';
  if (recorded.some((attempt) => attempt.round === round)) return [...recorded];
  const newRequeues = Math.max(0, (completion.requeues ?? 0) - recorded.filter((attempt) => attempt.kind === 'requeue').length);
  const requeues: TaskAttempt[] = Array.from({ length: newRequeues }, () => ({
    kind: 'requeue',
    reason: 'Batch requeued the task (its node was preempted, lost or removed while it ran) and ran it again.',
    round,
  }));
  const userRetries: TaskAttempt[] = Array.from({ length: completion.batchRetries }, () => ({
    kind: 'user',
    reason: 'The task exited with a nonzero code; Batch ran it again (MaxRetries).',
    round,
  }));
  return [...recorded, ...requeues, ...userRetries, ...(rerun ? [{ ...rerun, round }] : [])];
}

/** Backoff before an infrastructure rerun: 2 s, 4 s, 8 s … at most 30 s. */
export function infrastructureBackoffMs(attempt: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.max(1, attempt));
}

/**
 * A single job's earlier runs (a user's retry is a new run over the same task)
 * as attempts, merged with the task's own reruns in the order they ended.
 */
export function withEarlierRuns(
  recorded: readonly TaskAttempt[],
  runs: readonly { status: string; statusReason?: string; completedAt?: string }[],
): TaskAttempt[] {
  const fromRuns = runs.map((run): TaskAttempt => ({ kind: 'user', reason: run.statusReason ?? `The run ended ${run.status}; it was retried.`, round: run.completedAt }));
  return [...recorded, ...fromRuns].sort((a, b) => (a.round ?? '').localeCompare(b.round ?? ''));
}

/** The JobAttempts property: every attempt so far, the last one being the current or final one. */
export function jobAttemptsProperty(
  recorded: readonly TaskAttempt[],
  current: { status: string; reason?: string },
): { Attempt: number; Kind?: AttemptKind; Status: string; Reason?: string }[] {
  return [
    ...recorded.map((attempt, at) => ({ Attempt: at + 1, Kind: attempt.kind, Status: 'Retried', Reason: attempt.reason })),
    { Attempt: recorded.length + 1, Status: current.status, ...(current.reason ? { Reason: current.reason } : {}) },
  ];
}
