import type { ArrayJobState, SingleJobState } from './jobStates';

/** The failure type a job workflow closes with when its job (or any array child) ended Failed. */
export const jobFailedType = 'RemoteBatchJobFailed';
/** The failure type of a retry that cannot be done (window over, job aborted, nothing failed). */
export const retryRefusedType = 'RemoteBatchRetryRefused';

const defaultRetryWindowSeconds = 24 * 3600;

export function retryUntil(now: Date, windowSeconds: number | undefined): string {
  return new Date(now.getTime() + (windowSeconds ?? defaultRetryWindowSeconds) * 1000).toISOString();
}

/** Why a closed job cannot be retried now, or undefined when it can. */
export function retryRefusal(state: Pick<SingleJobState, 'jobId' | 'retryUntil'> & { status: string }, now: Date, failed: boolean): string | undefined {
  if (!failed) return `${state.jobId} has nothing that failed to retry.`;
  if (state.retryUntil === undefined) return `${state.jobId} cannot be retried: its Azure job was ended (aborted, cancelled or never created).`;
  if (Date.parse(state.retryUntil) <= now.getTime()) return `${state.jobId} cannot be retried: its retry window ended at ${state.retryUntil}.`;
  return undefined;
}

/** A single job's state as a retry run starts: the earlier run becomes an attempt. */
export function resumedSingleJobState(previous: SingleJobState, previousRunId: string): SingleJobState {
  const attempt = {
    runId: previousRunId,
    status: previous.status,
    statusReason: previous.statusReason,
    exitCode: previous.exitCode,
    startedAt: previous.startedAt,
    completedAt: previous.completedAt,
  };
  const { statusReason: _reason, exitCode: _exitCode, startedAt: _startedAt, completedAt: _completedAt, hasResult: _hasResult, retryUntil: _until, ...kept } = previous;
  return { ...kept, status: 'Active', previousRunId, attempts: [...previous.attempts, attempt] };
}

/** An array's state as a retry run starts: the earlier run becomes an attempt, its failed children wait again. */
export function resumedArrayJobState(previous: ArrayJobState, previousRunId: string): ArrayJobState {
  const attempt = {
    runId: previousRunId,
    succeeded: previous.counts.succeeded,
    failed: previous.counts.failed,
    statusReason: previous.statusReason,
    completedAt: previous.completedAt,
  };
  const { statusReason: _reason, completedAt: _completedAt, retryUntil: _until, ...kept } = previous;
  return {
    ...kept,
    status: 'Active',
    closed: false,
    counts: { ...previous.counts, active: previous.counts.active + previous.counts.failed, failed: 0 },
    previousRunId,
    attempts: [...previous.attempts, attempt],
  };
}
