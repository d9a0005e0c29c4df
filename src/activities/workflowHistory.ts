import { Context } from '@temporalio/activity';

/**
 * Reads the calling workflow's own history through the worker's client: who
 * asked Temporal to cancel it (the UI's Request Cancellation, `temporal
 * workflow cancel`, an SDK client). Workflow code cannot see that identity.
 */
export function createWorkflowHistoryActivities() {
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
  };
}
