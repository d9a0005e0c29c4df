import { type Client, type WorkflowExecutionDescription, WorkflowNotFoundError } from '@temporalio/client';

/** A workflow's latest run as Temporal describes it; undefined when there is no such workflow. */
export async function describeLatestRun(client: Client, workflowId: string): Promise<WorkflowExecutionDescription | undefined> {
  try {
    return await client.workflow.getHandle(workflowId).describe();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}

/** The input a run was started with (its first argument), and the run's workflow type. */
export async function startOf(client: Client, workflowId: string, runId: string): Promise<{ input: unknown; workflowType?: string }> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  const payload = started?.input?.payloads?.[0];
  const input = payload ? client.options.loadedDataConverter.payloadConverter.fromPayload(payload) : undefined;
  return { input, workflowType: started?.workflowType?.name ?? undefined };
}
