import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { waitFor } from './waitFor';

const { EVENT_TYPE_WORKFLOW_TASK_COMPLETED } = temporal.api.enums.v1.EventType;

/**
 * The Temporal UI's Reset (`temporal workflow reset --type FirstWorkflowTask|LastWorkflowTask`):
 * the current run is terminated and a new run replays its history up to the
 * first or the last completed workflow task and goes on from there.
 */
export async function resetWorkflow(client: Client, workflowId: string, point: 'first' | 'last'): Promise<{ oldRunId: string; newRunId: string }> {
  const { runId: oldRunId } = await client.workflow.getHandle(workflowId).describe();
  const events = (await client.workflow.getHandle(workflowId, oldRunId).fetchHistory()).events ?? [];
  const completed = events.filter((event) => event.eventType === EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
  const target = point === 'first' ? completed[0] : completed[completed.length - 1];
  const response = await client.workflowService.resetWorkflowExecution({
    namespace: client.options.namespace,
    workflowExecution: { workflowId, runId: oldRunId },
    workflowTaskFinishEventId: target.eventId,
    reason: `reset to the ${point} workflow task, as from the UI`,
    requestId: randomUUID(),
  });
  return { oldRunId, newRunId: response.runId! };
}

/** `temporal workflow delete`: the workflow and its history are gone (a running one is terminated first). */
export async function deleteWorkflow(client: Client, workflowId: string): Promise<void> {
  await client.workflowService.deleteWorkflowExecution({ namespace: client.options.namespace, workflowExecution: { workflowId } });
  await waitFor(
    () => client.workflow.getHandle(workflowId).describe().then(() => 'exists', (error: Error) => error.name),
    (outcome) => outcome === 'WorkflowNotFoundError',
    60_000,
    `${workflowId} to be deleted`,
    250,
  );
}
