import { condition, patched, setCurrentDetails, setHandler, upsertMemo, upsertSearchAttributes } from '@temporalio/workflow';
import { evaluationFileName, resultFileName, singleJobTaskId, taskOutputPath } from '../model/conventions';
import { initialSingleJobState, type SingleJobInput, type SingleJobState } from '../model/jobSpec';
import { clientAbort, type JobAbort, outcomeOfTask } from '../model/outcome';
import { resumedSingleJobState, type RetryRequest, retryUntil } from '../model/retry';
import { jobSearchAttributes } from '../model/searchAttributes';
import { singleJobInputSchema } from '../model/workflowInputs';
import { azure, azureLocal, watcher } from './activityProxies';
import { CancellationAsAbort } from './cancellation';
import { singleDetails } from './currentDetails';
import { closesAsJobEnds, jobFailed } from './jobEnding';
import { startingInput } from './jobInput';
import { permanentFailure, setUpAzureJob, unlessAborted, validateReason } from './jobSetup';
import { abortSignal, abortUpdate, stateQuery } from './messages';

/**
 * One Azure job with one task: inputs → job → task → watch Active/Running →
 * Succeeded/Failed. A retry (input `{ retry: { previousRunId } }`) is a new run
 * over the Azure job a failed run left open: it reruns the same task.
 */
export async function singleJob(given: SingleJobInput | { retry: RetryRequest }): Promise<SingleJobState> {
  // Short Azure calls as local activities: no workflow task round trip each (runs started before keep activities).
  const calls = patched('single-job-local-calls') ? azureLocal : azure;
  const { input, jobId, settings, previous } = await startingInput(singleJobInputSchema, given, {
    continued: false,
    previousRun: (previousRunId) => calls.previousRun({ previousRunId }),
  });
  const { connection, poolId } = input.environment;
  const taskId = singleJobTaskId;
  const state: SingleJobState = previous
    ? resumedSingleJobState(previous.state as SingleJobState, previous.runId)
    : initialSingleJobState(input, jobId, settings, taskId);
  let abortReason: string | undefined;
  let finished = false;
  const cancellation = new CancellationAsAbort();
  const closesWithJob = previous !== undefined || closesAsJobEnds();
  /** Whether Batch ran the task to its end, so the Azure job is still active and the task can rerun. */
  let retryable = false;
  const isAborted = () => abortReason !== undefined || cancellation.isRequested;
  const abortOf = (): Promise<JobAbort> => (abortReason !== undefined ? Promise.resolve(clientAbort(abortReason)) : cancellation.abort());

  const publish = (details: string) => {
    upsertMemo({ state });
    upsertSearchAttributes(jobSearchAttributes({ status: state.status, type: 'Single', poolId, jobId, connection }));
    setCurrentDetails(singleDetails(state, details, new Date()));
  };
  const finish = (outcome: Pick<SingleJobState, 'status' | 'statusReason' | 'exitCode'>, times?: { startTime?: string; endTime?: string }) => {
    Object.assign(state, outcome);
    state.startedAt = times?.startTime ?? state.startedAt;
    state.completedAt = times?.endTime ?? new Date().toISOString();
    finished = true;
    publish('The job has ended.');
    return state;
  };

  setHandler(stateQuery, () => state);
  setHandler(abortSignal, (reason) => {
    abortReason ??= reason || 'no reason given';
  });
  setHandler(
    abortUpdate,
    async (reason) => {
      abortReason ??= reason || 'no reason given';
      await condition(() => finished);
      return state;
    },
    { validator: validateReason },
  );

  const ended = await cancellation.run(async () => {
    publish(previous ? `Rerunning the task (attempt ${state.attempts!.length + 1}).` : 'Waiting to be scheduled on a compute node.');
    let setup: Awaited<ReturnType<typeof setUpAzureJob>> | undefined;
    if (!previous) {
      // A job that closes as it ends keeps its Azure job open after a failure, for a retry.
      setup = await setUpAzureJob(input, jobId, settings, {
        oneTask: true,
        endsWithTasks: !closesWithJob,
        isAborted,
        calls,
        record: { jobType: 'Single', bodyKind: input.body.kind, state },
      });
      if (setup.outcome === 'refused') return finish({ status: 'Failed', statusReason: setup.reason });
      if (setup.outcome === 'aborted') return finish({ status: 'Failed', statusReason: (await abortOf()).statusReason });
    }
    try {
      if (setup?.outcome === 'ready') await calls.addJobTask({ connection, jobId, taskId, inputBlobs: setup.inputBlobs, ...setup.template });
      else await calls.reactivateTask({ connection, jobId, taskId });

      const started = await unlessAborted(isAborted, () => watcher.waitForTaskState({ connection, jobId, taskId, until: 'started' }));
      if (started !== 'aborted' && started.state !== 'completed') {
        state.status = 'Running';
        state.startedAt = started.startTime;
        publish('The task is running on a compute node.');
      }
      const ended =
        started === 'aborted' || started.state === 'completed'
          ? started
          : await unlessAborted(isAborted, () => watcher.waitForTaskState({ connection, jobId, taskId, until: 'completed' }));

      if (ended === 'aborted') {
        const abort = await abortOf();
        await calls.terminateAzureJob({ connection, jobId, reason: abort.azureReason });
        const task = await watcher.waitForTaskState({ connection, jobId, taskId, until: 'jobEnded' });
        return finish(outcomeOfTask(task, abort.statusReason), task);
      }

      state.hasResult = await calls.blobExists({ connection, jobId, blob: taskOutputPath(taskId, resultFileName) });
      const outcome = outcomeOfTask(ended);
      if (outcome.status === 'Failed' && input.body.kind === 'script') {
        const scriptError = await calls.readEvaluationError({ connection, jobId, blob: taskOutputPath(taskId, evaluationFileName) });
        if (scriptError) outcome.statusReason = `${outcome.statusReason} ${scriptError}`;
      }
      retryable = true;
      return finish(outcome, ended);
    } catch (error) {
      // Azure refused something for good (see sanitizedActivityErrors): a job outcome, not a workflow crash.
      const refusal = permanentFailure(error);
      if (!refusal) throw error;
      return finish({ status: 'Failed', statusReason: refusal });
    }
  });
  if (!closesWithJob) return ended;
  return closeAsJobEnded();

  /** Succeeded: the Azure job ends and the run completes. Failed: the run fails, its Azure job open for a retry if the task can rerun. */
  async function closeAsJobEnded(): Promise<SingleJobState> {
    if (state.status === 'Succeeded') {
      await calls.terminateAzureJob({ connection, jobId, reason: 'AllTasksComplete' });
      return state;
    }
    if (retryable) {
      state.retryUntil = retryUntil(new Date(), input.retryWindowSeconds);
      await calls.openRetryWindow({ connection, jobId, until: state.retryUntil });
      publish(`The job failed. It can be retried until ${state.retryUntil}: remote-batch retry ${jobId}.`);
    } else {
      // Aborted (already terminated), or refused: nothing can rerun, so nothing stays open. Azure refusing
      // the terminate for good (e.g. the worker knows no such connection) means there is no job to end.
      await calls.terminateAzureJob({ connection, jobId, reason: 'remote-batch: the job failed' }).catch((error: unknown) => {
        if (permanentFailure(error) === undefined) throw error;
      });
    }
    throw jobFailed(jobId, state.statusReason, state);
  }
}
