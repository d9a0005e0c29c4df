import { condition, setCurrentDetails, setHandler, upsertMemo, upsertSearchAttributes } from '@temporalio/workflow';
import { evaluationFileName, resultFileName, singleJobTaskId, taskOutputPath } from '../model/conventions';
import { initialSingleJobState, type SingleJobInput, type SingleJobState } from '../model/jobSpec';
import { clientAbort, type JobAbort, outcomeOfTask } from '../model/outcome';
import { jobSearchAttributes } from '../model/searchAttributes';
import { azure, watcher } from './activityProxies';
import { CancellationAsAbort } from './cancellation';
import { permanentFailure, setUpAzureJob, unlessAborted, validateJobInput, validateReason } from './jobSetup';
import { abortSignal, abortUpdate, stateQuery } from './messages';

/** One Azure job with one task: inputs → job → task → watch Active/Running → Succeeded/Failed. */
export async function singleJob(input: SingleJobInput): Promise<SingleJobState> {
  const { jobId, settings } = validateJobInput(input);
  const { connection, poolId } = input.environment;
  const taskId = singleJobTaskId;
  const state: SingleJobState = initialSingleJobState(input, jobId, settings, taskId);
  let abortReason: string | undefined;
  let finished = false;
  const cancellation = new CancellationAsAbort();
  const isAborted = () => abortReason !== undefined || cancellation.isRequested;
  const abortOf = (): Promise<JobAbort> => (abortReason !== undefined ? Promise.resolve(clientAbort(abortReason)) : cancellation.abort());

  const publish = (details: string) => {
    upsertMemo({ state });
    upsertSearchAttributes(jobSearchAttributes({ status: state.status, type: 'Single', poolId, jobId, connection }));
    setCurrentDetails(
      `**${state.status}** — Azure job \`${jobId}\`, task \`${taskId}\` on pool \`${poolId}\`\n\n${details}` +
        (state.statusReason ? `\n\nReason: ${state.statusReason}` : ''),
    );
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

  return cancellation.run(async () => {
    publish('Waiting to be scheduled on a compute node.');
    const setup = await setUpAzureJob(input, jobId, settings, { endsWithTasks: true, isAborted });
    if (setup.outcome === 'refused') return finish({ status: 'Failed', statusReason: setup.reason });
    if (setup.outcome === 'aborted') return finish({ status: 'Failed', statusReason: (await abortOf()).statusReason });
    try {
      await azure.addJobTask({ connection, jobId, taskId, inputBlobs: setup.inputBlobs, ...setup.template });

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
        await azure.terminateAzureJob({ connection, jobId, reason: abort.azureReason });
        const task = await watcher.waitForTaskState({ connection, jobId, taskId, until: 'jobEnded' });
        return finish(outcomeOfTask(task, abort.statusReason), task);
      }

      state.hasResult = await azure.blobExists({ connection, jobId, blob: taskOutputPath(taskId, resultFileName) });
      const outcome = outcomeOfTask(ended);
      if (outcome.status === 'Failed' && input.body.kind === 'script') {
        const scriptError = await azure.readEvaluationError({ connection, jobId, blob: taskOutputPath(taskId, evaluationFileName) });
        if (scriptError) outcome.statusReason = `${outcome.statusReason} ${scriptError}`;
      }
      return finish(outcome, ended);
    } catch (error) {
      // Azure refused something for good (see sanitizedActivityErrors): a job outcome, not a workflow crash.
      const refusal = permanentFailure(error);
      if (!refusal) throw error;
      return finish({ status: 'Failed', statusReason: refusal });
    }
  });
}
