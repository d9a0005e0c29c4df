import { allHandlersFinished, condition, continueAsNew, setHandler } from '@temporalio/workflow';
import type { ArrayJobState } from '../model/jobStates';
import type { ArrayJobInput, RetryInput } from '../model/workflowInputs';
import { type ArrayJobCarry, ArrayRun } from './arrayRun';
import { abortChildSignal, setMaxParallelUpdate, stateQuery } from './messages';

export type { ArrayJobCarry } from './arrayRun';

/**
 * One Azure job, one task per child (10000001, …). Children are added in
 * collections and watched by task counts plus incremental listing; per-child
 * facts live in blobs, so history size does not depend on the child count. A
 * retry (input `{ retry: { previousRunId } }`) reruns a closed run's failed children.
 */
export async function arrayJob(given: ArrayJobInput | RetryInput, carry?: ArrayJobCarry): Promise<ArrayJobState> {
  const run = await ArrayRun.start(given, carry);
  setHandler(stateQuery, () => run.state);
  setHandler(abortChildSignal, (child, reason) => run.requestChildAbort(child, reason));
  setHandler(setMaxParallelUpdate, (maxParallel) => run.setMaxParallel(maxParallel), { validator: (maxParallel) => run.checkMaxParallel(maxParallel) });

  return run.aborts.cancellation.run(async () => {
    if (!(await run.begin())) return run.endEarly(run.state.statusReason ?? 'The array could not start.');
    for (;;) {
      await run.abortRequestedChildren();
      if (run.isAborted) return run.abort();
      await run.addNextAndWatch();
      if (run.allCompleted) return run.complete();
      if (run.shouldContinueAsNew()) {
        await run.record.notificationsSent();
        await condition(allHandlersFinished);
        return continueAsNew<typeof arrayJob>(run.input, run.carry());
      }
    }
  });
}
