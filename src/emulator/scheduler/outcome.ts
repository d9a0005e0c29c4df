import type { FailureInfo, JobRecord, TaskRecord } from '../model/types';
import { effectiveConstraints } from '../model/settings';
import { TaskFailures } from '../node/failures';
import type { AttemptOutcome } from '../node/taskRunner';

export type OutcomeDecision =
  | { kind: 'complete'; exitCode?: number; failureInfo?: FailureInfo }
  | { kind: 'retry'; exitCode: number }
  | { kind: 'requeue' }
  | { kind: 'returnToActive' };

/** What decides a task's fate after an attempt: its retries so far and its constraints. */
export interface AttemptLimits {
  retryCount: number;
  maxTaskRetryCount: number;
  maxWallClockTime: string;
}

/**
 * What Batch does with a task after one attempt: an exit of 0 with its outputs uploaded
 * succeeds; a non-zero exit is retried while maxTaskRetryCount allows; upload, launch and
 * download failures and the wall clock limit end it at once; a lost node requeues it; a
 * task whose node failed its job preparation task goes back to wait for another node.
 */
export function decideAttempt(outcome: AttemptOutcome, limits: AttemptLimits): OutcomeDecision {
  switch (outcome.kind) {
    case 'notPrepared':
      return { kind: 'returnToActive' };
    case 'stopped':
      return outcome.reason === 'terminated' ? { kind: 'complete', exitCode: outcome.exitCode, failureInfo: TaskFailures.endedByUser() } : { kind: 'requeue' };
    case 'preprocessingFailed':
    case 'launchFailed':
      return { kind: 'complete', failureInfo: outcome.failureInfo };
    case 'wallClockExceeded':
      return { kind: 'complete', exitCode: outcome.exitCode, failureInfo: TaskFailures.maxWallClockTimeExceeded(limits.maxWallClockTime) };
    case 'exited': {
      if (outcome.uploadFailure) return { kind: 'complete', exitCode: outcome.exitCode, failureInfo: outcome.uploadFailure };
      if (outcome.exitCode === 0) return { kind: 'complete', exitCode: 0 };
      const max = limits.maxTaskRetryCount;
      if (max === -1 || limits.retryCount < max) return { kind: 'retry', exitCode: outcome.exitCode };
      return { kind: 'complete', exitCode: outcome.exitCode, failureInfo: TaskFailures.failureExitCode() };
    }
  }
}

export function decideOutcome(outcome: AttemptOutcome, task: TaskRecord, job: JobRecord): OutcomeDecision {
  return decideAttempt(outcome, { retryCount: task.executionInfo?.retryCount ?? 0, ...effectiveConstraints(task, job) });
}
