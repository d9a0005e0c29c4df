import {
  allHandlersFinished,
  condition,
  continueAsNew,
  setCurrentDetails,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { TaskInputBlob, TaskTemplate } from '../activities/taskDefinition';
import { type ArrayJobInput, type ArrayJobState, initialArrayJobState } from '../model/arrayJob';
import { clientAbort, type JobAbort } from '../model/outcome';
import { childrenFailedKey, childrenRunningKey, childrenSucceededKey, jobSearchAttributes } from '../model/searchAttributes';
import { azure, watcher } from './activityProxies';
import { CancellationAsAbort } from './cancellation';
import { abortChildSignal, abortSignal, abortUpdate, arrayStateQuery, retryFailedUpdate } from './arrayMessages';
import { setUpAzureJob, unlessAborted, validateJobInput, validateReason } from './jobSetup';

/** Children added per activity call: small enough to show progress, large enough to keep history short. */
const childrenPerAddCall = 2000;
/** Loop turns per run before continue-as-new; each turn adds about a dozen events. */
const turnsPerRun = 150;
const defaultRetryWindowSeconds = 24 * 3600;

/** What one run hands the next through continue-as-new: never the children themselves. */
export interface ArrayJobCarry {
  state: ArrayJobState;
  template: TaskTemplate;
  inputBlobs: TaskInputBlob[];
}

/**
 * One Azure job, one task per child (10000001, …). Children are added in
 * collections and watched by task counts plus incremental listing; per-child
 * facts live in blobs, so history size does not depend on the child count.
 */
export async function arrayJob(input: ArrayJobInput, carry?: ArrayJobCarry): Promise<ArrayJobState> {
  const { jobId, settings } = validateJobInput(input);
  const { connection, poolId } = input.environment;
  if (!Number.isInteger(input.elementCount) || input.elementCount < 1) throw new TypeError('elementCount must be a whole number ≥ 1.');

  const state: ArrayJobState = carry?.state ?? initialArrayJobState(input, jobId, settings);
  const { childCount, spanSize } = state;
  let abortReason = state.abortReason;
  const childAborts: { child: number; reason: string }[] = [];
  let retryRequested = false;
  let retriedCount: number | undefined;
  const cancellation = new CancellationAsAbort();
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
    const { active, running, succeeded, failed } = state.counts;
    setCurrentDetails(
      `**${state.status}** — array of ${childCount} children, Azure job \`${jobId}\` on pool \`${poolId}\`\n\n` +
        `| active | running | succeeded | failed | added |\n|---|---|---|---|---|\n| ${active} | ${running} | ${succeeded} | ${failed} | ${state.added} |\n\n${details}` +
        (state.statusReason ? `\n\nReason: ${state.statusReason}` : ''),
    );
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
        if (state.closed || state.abortReason !== undefined) {
          throw new Error(`Array ${jobId} is closed${state.abortReason ? ' (it was aborted)' : ''}: its failed children can no longer be retried.`);
        }
      },
    },
  );

  return cancellation.run(async () => {
    let template = carry?.template;
    let inputBlobs = carry?.inputBlobs;
    if (!template || !inputBlobs) {
      publish('Creating the Azure job.');
      const setup = await setUpAzureJob(input, jobId, settings, { endsWithTasks: false, isAborted });
      if (setup.outcome !== 'ready') {
        const reason = setup.outcome === 'refused' ? setup.reason : (await abortOf()).statusReason;
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
        const work = Promise.all([
          from <= to
            ? watcher.addArrayChildren({ connection, jobId, from, to, spanSize, template, sharedInputs: inputBlobs, bodyKind: input.body.kind }).then(() => to)
            : Promise.resolve(state.added),
          watcher.pollArrayProgress({ connection, jobId, childCount, added: state.added, cursor: state.cursor, minWaitMs: 1000, maxWaitMs: 15000, bodyKind: input.body.kind }),
        ]);
        const outcome = await unlessAborted(() => isAborted() || childAborts.length > 0, () => work);
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
          publish(`Failed children can be rerun with retryFailed until the Azure job is closed.`);
        } else {
          publish(`${state.added} of ${childCount} children added.`);
        }
      } else {
        // Completed with failures: open for retryFailed until the window ends.
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

  async function closeAs(
    status: 'Completed',
    reason: string,
    options: { failAll?: boolean; alreadyTerminated?: boolean } = {},
  ): Promise<ArrayJobState> {
    if (options.failAll) state.counts = { active: 0, running: 0, succeeded: 0, failed: childCount };
    else if (!options.alreadyTerminated) await azure.terminateAzureJob({ connection, jobId, reason: 'AllTasksComplete' });
    state.status = status;
    state.statusReason = reason;
    state.completedAt ??= new Date().toISOString();
    state.closed = true;
    publish('The array job is closed.');
    await condition(allHandlersFinished);
    return state;
  }
}
