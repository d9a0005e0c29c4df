import { Context } from '@temporalio/activity';
import type { AzureGateways, ConnectionGateways } from '../azure/gateways';
import { type JobStorage, StoredJsonError } from '../azure/jobStorage';
import { evaluationFileName, resultFileName, stderrFileName, stdoutFileName, taskLogPath, taskOutputPath } from '../model/conventions';
import type { Outcome } from '../model/outcome';
import type { RetryRule } from '../model/retryRules';
import { settle } from '../model/settlement';
import type { TaskObservation } from '../model/taskObservation';
import { sleepHeartbeating } from './heartbeat';
import { rerunTask } from './taskRerun';

export interface TaskRef {
  connection: string;
  jobId: string;
  taskId: string;
}

export interface WaitForTaskEndInput extends TaskRef {
  /** A script task always writes its result: one missing is lost output, not an empty result. */
  expectsResult: boolean;
  /** Set once the job was aborted: wait for the terminated task, and end it with this JobStatusReason. */
  abortReason?: string;
  /** The job's RetryOn: exit codes that earn a rerun. */
  retryOn?: RetryRule;
}

/** A completed task's verified outcome. */
export interface SettledTask extends Outcome {
  startTime?: string;
  endTime?: string;
  /** Whether the task left a result.json in storage. */
  hasResult: boolean;
}

/** The blobs a task that succeeded must have left in storage: its logs, and its result when it always writes one. */
export function requiredOutputs(taskId: string, expectsResult: boolean): string[] {
  return [taskLogPath(taskId, stdoutFileName), taskLogPath(taskId, stderrFileName), ...(expectsResult ? [taskOutputPath(taskId, resultFileName)] : [])];
}

/**
 * The result a task wrote, or why it cannot be read as JSON. One seen a moment
 * ago (listed, or found to exist) and gone now was lost by storage since (the
 * local Azurite, killed): what was checked no longer holds, so the activity
 * fails and its retry looks again.
 */
export async function readResult(storage: JobStorage, taskId: string): Promise<{ result?: unknown; unreadable?: string }> {
  const blob = taskOutputPath(taskId, resultFileName);
  try {
    const result = await storage.readJson(blob);
    if (result === undefined) throw new Error(`${blob} of job ${storage.jobId} was there a moment ago and is gone now; looking again`);
    return { result };
  } catch (error) {
    if (error instanceof StoredJsonError) return { unreadable: error.message };
    throw error;
  }
}

/** The error a script task's evaluation recorded, if it wrote one. */
export async function scriptErrorOf(storage: JobStorage, taskId: string): Promise<string | undefined> {
  const evaluation = (await storage.readJson(taskOutputPath(taskId, evaluationFileName)).catch(() => undefined)) as { error?: unknown } | undefined;
  return typeof evaluation?.error === 'string' ? evaluation.error : undefined;
}

/**
 * A completed task's outcome by the one settlement policy (src/model/settlement.ts),
 * or 'rerun' once an infrastructure failure was sent back to Batch.
 */
async function settleTask(gateways: ConnectionGateways, input: WaitForTaskEndInput, observation: TaskObservation): Promise<SettledTask | 'rerun'> {
  const storage = gateways.storage.job(input.jobId);
  const resultBlob = taskOutputPath(input.taskId, resultFileName);
  const required = requiredOutputs(input.taskId, input.expectsResult);
  const [present, hasResult] = await Promise.all([Promise.all(required.map((blob) => storage.exists(blob))), storage.exists(resultBlob)]);
  const missingOutputs = input.abortReason === undefined ? required.filter((_, at) => !present[at]) : [];
  const clean = observation.result === 'success' && observation.exitCode === 0 && missingOutputs.length === 0 && !observation.retryCount && !observation.requeueCount;
  const recorded = clean ? [] : await storage.readAttempts(input.taskId);
  const { unreadable: unreadableResult } = hasResult && observation.exitCode === 0 ? await readResult(storage, input.taskId) : {};
  const scriptError = input.expectsResult && observation.exitCode !== 0 ? await scriptErrorOf(storage, input.taskId) : undefined;
  const settlement = settle({ observation, missingOutputs, unreadableResult, scriptError, attempts: recorded, abortReason: input.abortReason, retryOn: input.retryOn });
  if (settlement.attempts.length !== recorded.length) await storage.writeAttempts(input.taskId, settlement.attempts);
  if (settlement.kind === 'outcome') return { ...settlement.outcome, startTime: observation.startTime, endTime: observation.endTime, hasResult };
  const context = Context.current();
  context.log.warn('rerunning a task', { jobId: input.jobId, taskId: input.taskId, attempt: settlement.attempts.length + 1, reason: settlement.reason });
  await sleepHeartbeating(context, settlement.afterMs, 'rerun');
  if (await rerunTask(gateways, input.jobId, input.taskId)) return 'rerun';
  return { status: 'Failed', statusReason: `${settlement.reason} It could not be rerun: the Azure job has ended.`, exitCode: observation.exitCode, hasResult };
}

/** Polls with a backoff from 50 ms to 5 s, heartbeating what the task waits on, until `reached` says so. */
async function pollTask(gateways: ConnectionGateways, task: TaskRef, withJob: boolean, reached: (observation: TaskObservation) => boolean): Promise<TaskObservation> {
  const context = Context.current();
  for (let intervalMs = 50; ; intervalMs = Math.min(intervalMs * 1.5, 5_000)) {
    const observation = await gateways.batch.observeTask(task.jobId, task.taskId, { withJob });
    if (reached(observation)) return observation;
    // A task that stays active may wait on its pool (no nodes, resize errors): the heartbeat says so.
    const waiting = observation.state === 'active' && intervalMs >= 2000 ? await gateways.batch.poolWaitingReason(task.jobId) : undefined;
    context.heartbeat(waiting ?? observation.state);
    await context.sleep(intervalMs);
  }
}

export function taskWatchActivities(gateways: AzureGateways) {
  return {
    /** Returns once the task has left `active` (it may have completed already). */
    waitForTaskStart: (input: TaskRef) => pollTask(gateways.get(input.connection), input, false, (task) => task.state !== 'active'),

    /**
     * Polls Batch inside one long activity, heartbeating, so history grows per
     * state change rather than per poll, until the task has completed and its
     * outcome is settled (outputs verified, infrastructure failures rerun).
     * After an abort it waits for the job to end instead (a task that never
     * ran stays active in a terminated job).
     */
    async waitForTaskEnd(input: WaitForTaskEndInput): Promise<SettledTask> {
      const azure = gateways.get(input.connection);
      const aborted = input.abortReason !== undefined;
      for (;;) {
        const observation = await pollTask(azure, input, aborted, (task) =>
          aborted ? task.jobCompleted === true && task.state !== 'running' && task.state !== 'preparing' : task.state === 'completed',
        );
        const settled = await settleTask(azure, input, observation);
        if (settled !== 'rerun') return settled;
      }
    },
  };
}
