import {
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  setCurrentDetails,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { TaskInputBlob, TaskTemplate } from '../activities/taskDefinition';
import { type ArrayJobInput, type ArrayJobState, initialArrayJobState } from '../model/arrayJob';
import { defaultRetryWindowSeconds, resumedArrayJobState, type RetryRequest, retryUntil } from '../model/retry';
import { clientAbort, type JobAbort } from '../model/outcome';
import { childrenFailedKey, childrenRunningKey, childrenSucceededKey, jobSearchAttributes } from '../model/searchAttributes';
import { arrayJobInputSchema } from '../model/workflowInputs';
import { azure, watcher } from './activityProxies';
import { CancellationAsAbort } from './cancellation';
import { arrayDetails } from './currentDetails';
import { abortChildSignal, abortSignal, abortUpdate, arrayStateQuery, retryFailedUpdate } from './arrayMessages';
import { closesAsJobEnds, jobFailed } from './jobEnding';
import { startingInput } from './jobInput';
import { permanentFailure, setUpAzureJob, unlessAborted, validateReason } from './jobSetup';

/** Children added per activity call: small enough to show progress, large enough to keep history short. */
const childrenPerAddCall = 2000;
/** Loop turns per run before continue-as-new; each turn adds about a dozen events. */
const turnsPerRun = 150;

/** What one run hands the next through continue-as-new: never the children themselves. */
export interface ArrayJobCarry {
  state: ArrayJobState;
  /** Absent in a retry's runs: every child was added by the run it retried. */
  template?: TaskTemplate;
  inputBlobs?: TaskInputBlob[];
}

/**
 * One Azure job, one task per child (10000001, …). Children are added in
 * collections and watched by task counts plus incremental listing; per-child
 * facts live in blobs, so history size does not depend on the child count.
 */
export async function arrayJob(given: ArrayJobInput | { retry: RetryRequest }, carry?: ArrayJobCarry): Promise<ArrayJobState> {
  // A retry's first run reads the job's input and final state from the run it retries; its continuations carry them.
  const { input, jobId, settings, previous } = await startingInput(arrayJobInputSchema, given, {
    continued: carry !== undefined,
    previousRun: (previousRunId) => azure.previousRun({ previousRunId }),
  });
  const { connection, poolId } = input.environment;

  const state: ArrayJobState =
    carry?.state ?? (previous ? resumedArrayJobState(previous.state as ArrayJobState, previous.runId) : initialArrayJobState(input, jobId, settings));
  const { childCount, spanSize } = state;
  let abortReason = state.abortReason;
  const childAborts: { child: number; reason: string }[] = [];
  let retryRequested = false;
  let retriedCount: number | undefined;
  const cancellation = new CancellationAsAbort();
  const closesWithJob = previous !== undefined || closesAsJobEnds();
  const workInScope = patched('array-work-in-abort-scope');
  const isAborted = () => abortReason !== undefined || cancellation.isRequested;
  const abortOf = (): Promise<JobAbort> => (abortReason !== undefined ? Promise.resolve(clientAbort(abortReason)) : cancellation.abort());

  const publish = (details: string) => {
    upsertMemo({ state });
    upsertSearchAttributes([
      ...jobSearchAttributes({ status: state.status, type: 'Array', poolId, jobId, connection }),
      { key: childrenRunningKey, value: state.counts.running },
      { key: childrenSucceededKey, value: state.counts.succeeded },
      { key: childrenFailedKey, value: state.counts.failed },
    ]);
    setCurrentDetails(arrayDetails(state, connection, details, new Date()));
  };

  setHandler(arrayStateQuery, () => state);
  setHandler(abortSignal, (reason) => {
    if (!state.closed) abortReason ??= reason || 'no reason given';
  });
  setHandler(
    abortUpdate,
    async (reason) => {
      if (!state.closed) abortReason ??= reason || 'no reason given';
      await condition(() => state.closed);
      return state as never;
    },
    { validator: validateReason },
  );
  setHandler(abortChildSignal, (child, reason) => {
    if (Number.isInteger(child) && child >= 1 && child <= childCount) childAborts.push({ child, reason: reason || 'no reason given' });
  });
  setHandler(
    retryFailedUpdate,
    async () => {
      retryRequested = true;
      await condition(() => retriedCount !== undefined);
      const count = retriedCount!;
      retriedCount = undefined;
      return count;
    },
    {
      validator: () => {
        if (state.status === 'Active') {
          throw new Error(`Array ${jobId} is still Active: its failed children can be retried once every child has finished.`);
        }
        if (state.closed || state.abortReason !== undefined) {
          throw new Error(`Array ${jobId} is closed${state.abortReason ? ' (it was aborted)' : ''}: its failed children can no longer be retried.`);
        }
      },
    },
  );

  return cancellation.run(async () => {
    let template = carry?.template;
    let inputBlobs = carry?.inputBlobs;
    if (previous) {
      const rerun = await rerunFailedChildren();
      if (rerun === 'refused') return closeAs('Completed', state.statusReason!, { alreadyTerminated: true });
    } else if (!carry) {
      publish('Creating the Azure job.');
      const setup = await setUpAzureJob(input, jobId, settings, {
        oneTask: false,
        endsWithTasks: false,
        isAborted,
        record: { jobType: 'Array', bodyKind: input.body.kind, state },
      });
      if (setup.outcome !== 'ready') {
        const abort = setup.outcome === 'aborted' ? await abortOf() : undefined;
        if (abort) state.abortReason = abort.reason;
        const reason = setup.outcome === 'refused' ? setup.reason : abort!.statusReason;
        return closeAs('Completed', reason, { failAll: true });
      }
      template = setup.template;
      inputBlobs = setup.inputBlobs;
    }

    for (let turn = 0; ; turn++) {
      // Children aborted alone come first, so they keep their own reasons if the array is aborted too.
      while (childAborts.length > 0) {
        const { child, reason } = childAborts.shift()!;
        await azure.abortArrayChild({ connection, jobId, childCount, child, reason });
      }
      if (isAborted()) return abortArray();

      if (state.status === 'Active') {
        const from = state.added + 1;
        const to = Math.min(childCount, state.added + childrenPerAddCall);
        const startWork = () =>
          Promise.all([
            from <= to && template && inputBlobs
              ? watcher.addArrayChildren({ connection, jobId, from, to, spanSize, template, sharedInputs: inputBlobs, bodyKind: input.body.kind }).then(() => to)
              : Promise.resolve(state.added),
            watcher.pollArrayProgress({ connection, jobId, childCount, added: state.added, cursor: state.cursor, minWaitMs: 1000, maxWaitMs: 15000, bodyKind: input.body.kind }),
          ]);
        // Started inside the scope an abort cancels, the poll stops at once instead of running out its 15 s.
        const work = workInScope ? undefined : startWork();
        const outcome = await unlessAborted(() => isAborted() || childAborts.length > 0, () => work ?? startWork());
        if (outcome === 'aborted') continue;
        const [added, progress] = outcome;
        state.added = added;
        state.counts = progress.counts;
        state.cursor = progress.cursor;
        state.startedAt ??= progress.counts.running > 0 || progress.counts.succeeded + progress.counts.failed > 0 ? new Date().toISOString() : undefined;
        if (progress.allCompleted && state.added === childCount) {
          if (input.body.kind === 'command') await azure.gatherArrayResults({ connection, jobId, childCount });
          state.status = 'Completed';
          state.completedAt = new Date().toISOString();
          state.statusReason = `All ${childCount} children completed: ${state.counts.succeeded} succeeded, ${state.counts.failed} failed.`;
          if (state.counts.failed === 0) return closeAs('Completed', state.statusReason);
          if (closesWithJob) return closeWithFailures();
          publish(`Failed children can be rerun with retryFailed until the Azure job is closed.`);
        } else {
          publish(`${state.added} of ${childCount} children added.`);
        }
      } else {
        // Completed with failures, carried from a run that kept its workflow open for retryFailed.
        if (closesWithJob) return closeWithFailures();
        const windowSeconds = input.retryWindowSeconds ?? defaultRetryWindowSeconds;
        const woke = await condition(() => retryRequested || isAborted() || childAborts.length > 0, windowSeconds * 1000);
        if (!woke) return closeAs('Completed', state.statusReason ?? 'Completed.');
        if (retryRequested) {
          retryRequested = false;
          retriedCount = await azure.retryFailedChildren({ connection, jobId, childCount });
          state.retries++;
          state.status = 'Active';
          state.statusReason = undefined;
          state.completedAt = undefined;
          state.counts = { ...state.counts, active: state.counts.active + retriedCount, failed: state.counts.failed - retriedCount };
          publish(`Rerunning ${retriedCount} failed children.`);
        }
      }

      if (turn >= (input.turnsPerRun ?? turnsPerRun) || workflowInfo().continueAsNewSuggested) {
        await condition(allHandlersFinished);
        return continueAsNew<typeof arrayJob>(input, { state, template, inputBlobs });
      }
    }
  });

  async function abortArray(): Promise<ArrayJobState> {
    const abort = await abortOf();
    const reason = abort.reason;
    state.abortReason = reason;
    const abortedAt = new Date().toISOString();
    await azure.terminateAzureJob({ connection, jobId, reason: abort.azureReason });
    await watcher.pollArrayProgress({ connection, jobId, childCount, added: state.added, cursor: state.cursor, minWaitMs: 0, maxWaitMs: 0, bodyKind: input.body.kind });
    await azure.failUnfinishedChildren({ connection, jobId, childCount, reason, abortedAt, statusReason: abort.statusReason });
    state.counts = { active: 0, running: 0, succeeded: state.counts.succeeded, failed: childCount - state.counts.succeeded };
    return closeAs('Completed', abort.statusReason, { alreadyTerminated: true });
  }

  /** A retry's first step: Batch reactivates the failed children's tasks; 'refused' when the Azure job has ended. */
  async function rerunFailedChildren(): Promise<number | 'refused'> {
    try {
      const rerun = await azure.retryFailedChildren({ connection, jobId, childCount });
      state.retries++;
      publish(`Rerunning ${rerun} failed children (attempt ${(state.attempts?.length ?? 0) + 1}).`);
      return rerun;
    } catch (error) {
      const refusal = permanentFailure(error);
      if (!refusal) throw error;
      const before = (previous!.state as ArrayJobState).counts;
      state.counts = { ...before };
      state.statusReason = refusal;
      return 'refused';
    }
  }

  /** The children are done and some failed: the run closes failed, its Azure job open for a retry until the window ends. */
  async function closeWithFailures(): Promise<ArrayJobState> {
    state.retryUntil = retryUntil(new Date(state.completedAt ?? new Date().toISOString()), input.retryWindowSeconds);
    await azure.openRetryWindow({ connection, jobId, until: state.retryUntil });
    return closeAs('Completed', state.statusReason ?? 'Completed with failed children.', { keepAzureJob: true });
  }

  async function closeAs(
    status: 'Completed',
    reason: string,
    options: { failAll?: boolean; alreadyTerminated?: boolean; keepAzureJob?: boolean } = {},
  ): Promise<ArrayJobState> {
    if (options.failAll) state.counts = { active: 0, running: 0, succeeded: 0, failed: childCount };
    else if (!options.alreadyTerminated && !options.keepAzureJob) await azure.terminateAzureJob({ connection, jobId, reason: 'AllTasksComplete' });
    state.status = status;
    state.statusReason = reason;
    state.completedAt ??= new Date().toISOString();
    state.closed = true;
    publish(
      state.retryUntil
        ? `The array job is closed. Its failed children can be rerun until ${state.retryUntil}: remote-batch retry ${jobId}.`
        : 'The array job is closed.',
    );
    await condition(allHandlersFinished);
    // Completed when every child succeeded; failed (with the state as details) when any failed or it was aborted.
    if (closesWithJob && (state.counts.failed > 0 || state.abortReason !== undefined)) throw jobFailed(jobId, state.statusReason, state);
    return state;
  }
}
