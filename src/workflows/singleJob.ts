import { setHandler, workflowInfo } from '@temporalio/workflow';
import type { SettledTask } from '../activities/taskWatch';
import { singleJobTaskId } from '../model/conventions';
import { initialSingleJobState, type SingleJobState } from '../model/jobStates';
import type { Outcome } from '../model/outcome';
import { resumedSingleJobState, retryUntil } from '../model/retry';
import { batchPriority } from '../model/settings';
import { inlineInputsOf, taskInputBlobsOf, taskTemplateOf } from '../model/taskTemplate';
import { type RetryInput, type SingleJobInput, singleJobInputSchema } from '../model/workflowInputs';
import { AbortRequests, refusalOf } from './aborts';
import { azure, azureLocal, watcher } from './activityProxies';
import { unlessAborted } from './cancellation';
import { awaitDependencies } from './dependencies';
import { startingInput } from './jobInput';
import { JobRecord } from './jobRecord';
import { notifierFor } from './notifier';
import { stateQuery } from './messages';

/**
 * One Azure job with one task: inputs → job → task → watch Active/Running →
 * Succeeded/Failed. A retry (input `{ retry: { previousRunId } }`) is a new run
 * over the Azure job a failed run left open: it reruns the same task.
 */
export async function singleJob(given: SingleJobInput | RetryInput): Promise<SingleJobState> {
  const { input, jobId, submittedAt, previous } = await startingInput(singleJobInputSchema, given, (previousRunId) => azure.previousRun({ previousRunId }));
  const { connection, poolId } = input.environment;
  const task = { connection, jobId, taskId: singleJobTaskId, expectsResult: input.body.kind === 'script', ...(input.settings.retryOn ? { retryOn: input.settings.retryOn } : {}) };
  const state = previous ? resumedSingleJobState(previous.state as SingleJobState, previous.runId) : initialSingleJobState(input, jobId, submittedAt);
  const record = new JobRecord(state, connection, notifierFor(input.notify, state));
  let closed = false;
  const aborts = new AbortRequests(() => closed, state);
  setHandler(stateQuery, () => state);

  /**
   * Records how the task ended. 'rerunnable': Batch ran the task to its end, so a
   * failure can be retried; 'ended': the Azure job was already ended (an abort).
   */
  const end = (outcome: Outcome & Partial<SettledTask>, after: 'rerunnable' | 'ended' | 'refused') => {
    Object.assign(state, { status: outcome.status, statusReason: outcome.statusReason, exitCode: outcome.exitCode, hasResult: outcome.hasResult });
    state.startedAt ??= outcome.startTime;
    state.completedAt = outcome.endTime ?? new Date().toISOString();
    return close(after);
  };

  /** Succeeded: the Azure job ends and the run completes. Failed: the run fails, its Azure job open for a retry if the task can rerun. */
  const close = async (after: 'rerunnable' | 'ended' | 'refused'): Promise<SingleJobState> => {
    let note = 'The job has ended.';
    if (state.status === 'Failed' && after === 'rerunnable') {
      state.retryUntil = retryUntil(new Date(), input.retryWindowSeconds);
      await azure.openRetryWindow({ connection, jobId, until: state.retryUntil });
      note = `The job failed. It can be retried until ${state.retryUntil}: remote-batch retry ${jobId}.`;
    } else if (after !== 'ended') {
      const reason = state.status === 'Succeeded' ? 'AllTasksComplete' : 'remote-batch: the job failed';
      // Azure refusing for good (e.g. the worker knows no such connection) means there is no job to end.
      await azure.endAzureJob({ connection, jobId, reason }).catch((error: unknown) => {
        if (refusalOf(error) === undefined) throw error;
      });
    }
    closed = true;
    await record.publishFinal(note);
    if (state.status === 'Failed') throw record.failed();
    return state;
  };

  return aborts.cancellation.run(async () => {
    if (input.after && !previous) {
      const waited = await awaitDependencies(input.after, aborts, record);
      // Nothing was created in Azure: there is no job to end and nothing to retry.
      if (waited === 'aborted') return end({ status: 'Failed', statusReason: (await aborts.abort()).statusReason }, 'ended');
      if (waited.kind === 'never') return end({ status: 'Failed', statusReason: waited.reason }, 'ended');
    }
    record.publish(previous ? `Rerunning the task (attempt ${state.attempts.length + 1}).` : 'Waiting to be scheduled on a compute node.');
    try {
      if (previous) {
        await azureLocal.rerunSingleTask(task);
      } else {
        await azureLocal.prepareAzureJob({
          connection,
          jobId,
          poolId,
          priority: batchPriority(input.settings.jobPriority),
          requiredSlots: input.settings.vcpuCount,
          owner: workflowInfo().workflowId,
          record: { jobType: 'Single', bodyKind: input.body.kind, state },
          inlineInputs: inlineInputsOf(input, true),
        });
        await azureLocal.addSingleTask({ ...task, template: taskTemplateOf(input), inputBlobs: taskInputBlobsOf(input, true) });
      }
    } catch (error) {
      const refusal = refusalOf(error);
      if (refusal === undefined) throw error;
      return end({ status: 'Failed', statusReason: refusal }, 'refused');
    }

    const started = await unlessAborted(() => aborts.requested, () => watcher.waitForTaskStart(task));
    if (started !== 'aborted' && started.state !== 'completed') {
      state.status = 'Running';
      state.startedAt = started.startTime;
      record.publish('The task is running on a compute node.');
    }
    const ended = started === 'aborted' ? started : await unlessAborted(() => aborts.requested, () => watcher.waitForTaskEnd(task));
    if (ended !== 'aborted') return end(ended, 'rerunnable');

    const abort = await aborts.abort();
    await azure.endAzureJob({ connection, jobId, reason: abort.azureReason });
    return end(await watcher.waitForTaskEnd({ ...task, abortReason: abort.statusReason }), 'ended');
  });
}
