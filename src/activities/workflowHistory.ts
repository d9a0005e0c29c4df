import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { startOf } from '../client/workflowRuns';
import type { PreviousRun } from '../model/previousRun';
import { retryRefusedType } from '../model/retry';

/**
 * Reads the calling workflow's own runs through the worker's client: what
 * workflow code cannot see (who cancelled it, what an earlier run was given
 * and ended with).
 */
export function workflowHistoryActivities() {
  return {
    /** The identity recorded with the latest cancellation request, if any. */
    async cancellationRequester(): Promise<string | undefined> {
      const context = Context.current();
      const { workflowExecution } = context.info;
      if (!workflowExecution) return undefined;
      const history = await context.client.workflow.getHandle(workflowExecution.workflowId, workflowExecution.runId).fetchHistory();
      const requests = (history.events ?? []).filter((event) => event.workflowExecutionCancelRequestedEventAttributes);
      const identity = requests.at(-1)?.workflowExecutionCancelRequestedEventAttributes?.identity;
      return identity ? identity.slice(0, 200) : undefined;
    },

    /** The input and final state of an earlier run of this workflow id, which must have closed. */
    async previousRun(input: { previousRunId: string }): Promise<PreviousRun> {
      const context = Context.current();
      const workflowId = context.info.workflowExecution?.workflowId;
      if (!workflowId) throw ApplicationFailure.nonRetryable('previousRun runs for a workflow only.', retryRefusedType);
      const client = context.client;
      const described = await client.workflow.getHandle(workflowId, input.previousRunId).describe().catch((error: Error) => {
        throw ApplicationFailure.nonRetryable(`retry.previousRunId: no run ${input.previousRunId} of ${workflowId} (${error.message}).`, retryRefusedType);
      });
      if (described.status.name === 'RUNNING') {
        throw ApplicationFailure.nonRetryable(`retry.previousRunId: run ${input.previousRunId} of ${workflowId} is still running.`, retryRefusedType);
      }
      const retried = await startOf(client, workflowId, input.previousRunId);
      let jobInput = retried.input;
      // A retry run was given only { retry }: the job's input is that of the run it retried (and so on).
      for (let hops = 0; (jobInput as { retry?: { previousRunId?: string } } | undefined)?.retry?.previousRunId && hops < 1000; hops++) {
        jobInput = (await startOf(client, workflowId, (jobInput as { retry: { previousRunId: string } }).retry.previousRunId)).input;
      }
      return { input: jobInput, state: described.memo?.state, workflowType: retried.workflowType };
    },
  };
}
