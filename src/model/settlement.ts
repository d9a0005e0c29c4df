import { defaultInfrastructureRetries, failureKind, infrastructureAttempts, infrastructureBackoffMs, type TaskAttempt, withEndedAttempts } from './failureKind';
import { type Outcome, outcomeOfTask } from './outcome';
import { type RetryRule, retryOnCovers } from './retryRules';
import type { TaskObservation } from './taskObservation';

/** What is known of a task Batch reports completed, when its outcome is decided. */
export interface CompletedTask {
  observation: TaskObservation;
  /** Outputs a success needs (its logs, a script's result) that storage does not have. */
  missingOutputs: readonly string[];
  /** Why the result file the task wrote cannot be read as JSON, if that is so. */
  unreadableResult?: string;
  /** The error a script's runner recorded, for the reason of a failed script task. */
  scriptError?: string;
  /** Attempts recorded before this completion. */
  attempts: readonly TaskAttempt[];
  /** Set when the client (or a cancellation) ended the task: the JobStatusReason it ends with. */
  abortReason?: string;
  /** The job's RetryOn: exit codes that earn a rerun. */
  retryOn?: RetryRule;
}

export type Settlement =
  /** The task's final outcome, and its attempts with this completion recorded. */
  | { kind: 'outcome'; outcome: Outcome; attempts: TaskAttempt[] }
  /** Not the task's fault: run it again after `afterMs`, with this attempt recorded. */
  | { kind: 'rerun'; afterMs: number; reason: string; attempts: TaskAttempt[] };

/**
 * A success whose outputs storage does not have is not a success: they were
 * lost, or never arrived. A task that never started (a failure and no exit
 * code: its inputs could not be fetched, its program not found) wrote none,
 * and its own failure says why.
 */
function withMissingOutputs(observation: TaskObservation, missing: readonly string[]): TaskObservation {
  if (missing.length === 0 || (observation.failure !== undefined && observation.exitCode === undefined)) return observation;
  return {
    ...observation,
    result: 'failure',
    failure: { category: 'ServerError', code: 'OutputsNotReadable', message: `The task completed but its outputs are not readable in storage (${missing.join(', ')})` },
  };
}

/**
 * A user failure whose exit code is one of RetryOn's, while RetryOn has runs
 * left: rerun after its backoff. Every run counts but requeues and
 * infrastructure reruns, which were not the task's doing.
 */
function retryOnRerun(task: CompletedTask, outcome: Outcome): { afterMs: number; reason: string } | undefined {
  const rule = task.retryOn;
  if (!rule || outcome.status !== 'Failed' || !retryOnCovers(rule, task.observation.exitCode)) return undefined;
  const runs = 1 + (task.observation.retryCount ?? 0) + task.attempts.filter((attempt) => attempt.kind === 'user').length;
  if (runs >= rule.maxAttempts) return undefined;
  const backoff = rule.backoffSeconds > 0 ? ` after ${rule.backoffSeconds} s` : '';
  const reason = `The task exited with code ${task.observation.exitCode}, one of RetryOn's exit codes: run ${runs + 1} of at most ${rule.maxAttempts} follows${backoff}.`;
  return { afterMs: rule.backoffSeconds * 1000, reason };
}

/**
 * The one settlement policy, for single jobs and array children alike: a
 * completed task is verified (its outputs in storage, its result readable),
 * an infrastructure failure is rerun within its budget with backoff, a user
 * failure with one of RetryOn's exit codes is rerun within RetryOn's
 * MaxAttempts after its backoff, and anything else is the task's outcome.
 * Batch's own reruns (MaxRetries) and requeues are recorded as attempts either way.
 */
export function settle(task: CompletedTask): Settlement {
  const completion = { endTime: task.observation.endTime, batchRetries: task.observation.retryCount ?? 0, requeues: task.observation.requeueCount ?? 0 };
  if (task.abortReason !== undefined) {
    return { kind: 'outcome', outcome: outcomeOfTask(task.observation, task.abortReason), attempts: withEndedAttempts(task.attempts, completion) };
  }
  const observation = withMissingOutputs(task.observation, task.missingOutputs);
  const kind = failureKind(observation);
  if (kind === 'infrastructure' && infrastructureAttempts(task.attempts) < defaultInfrastructureRetries) {
    const reason = outcomeOfTask(observation).statusReason ?? 'infrastructure failure';
    const attempts = withEndedAttempts(task.attempts, completion, { kind, reason });
    return { kind: 'rerun', afterMs: infrastructureBackoffMs(infrastructureAttempts(attempts)), reason, attempts };
  }
  const outcome = outcomeOfTask(observation);
  if (outcome.status === 'Succeeded' && task.unreadableResult !== undefined) {
    outcome.status = 'Failed';
    outcome.statusReason = `The task exited with code 0, but the result.json it wrote is not valid JSON (${task.unreadableResult}).`;
  } else if (outcome.status === 'Failed' && task.scriptError) {
    outcome.statusReason = `${outcome.statusReason} ${task.scriptError.slice(0, 500)}`;
  }
  const rerun = retryOnRerun(task, outcome);
  if (rerun) {
    return { kind: 'rerun', ...rerun, attempts: withEndedAttempts(task.attempts, completion, { kind: 'user', reason: rerun.reason, retryOn: true }) };
  }
  if (task.retryOn && outcome.status === 'Failed' && retryOnCovers(task.retryOn, task.observation.exitCode)) {
    outcome.statusReason = `${outcome.statusReason} RetryOn's ${task.retryOn.maxAttempts} runs are spent.`;
  }
  return { kind: 'outcome', outcome, attempts: withEndedAttempts(task.attempts, completion) };
}
