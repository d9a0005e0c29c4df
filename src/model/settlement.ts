import { defaultInfrastructureRetries, failureKind, infrastructureAttempts, infrastructureBackoffMs, type TaskAttempt, withEndedAttempts } from './failureKind';
import { type Outcome, outcomeOfTask } from './outcome';
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
}

export type Settlement =
  /** The task's final outcome, and its attempts with this completion recorded. */
  | { kind: 'outcome'; outcome: Outcome; attempts: TaskAttempt[] }
  /** Not the task's fault: run it again after `afterMs`, with this attempt recorded. */
  | { kind: 'rerun'; afterMs: number; reason: string; attempts: TaskAttempt[] };

/** A success whose outputs storage does not have is not a success: they were lost, or never arrived. */
function withMissingOutputs(observation: TaskObservation, missing: readonly string[]): TaskObservation {
  if (missing.length === 0) return observation;
  return {
    ...observation,
    result: 'failure',
    failure: { category: 'ServerError', code: 'OutputsNotReadable', message: `The task completed but its outputs are not readable in storage (${missing.join(', ')})` },
  };
}

/**
 * The one settlement policy, for single jobs and array children alike: a
 * completed task is verified (its outputs in storage, its result readable),
 * an infrastructure failure is rerun within its budget with backoff, and
 * anything else is the task's outcome. Batch's own reruns (MaxRetries) are
 * recorded as user attempts either way.
 */
export function settle(task: CompletedTask): Settlement {
  const completion = { endTime: task.observation.endTime, batchRetries: task.observation.retryCount ?? 0 };
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
  return { kind: 'outcome', outcome, attempts: withEndedAttempts(task.attempts, completion) };
}
