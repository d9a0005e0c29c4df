import type { Client } from '@temporalio/client';
import type { WorkerDeploymentVersion } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

const { EventType } = temporal.api.enums.v1;

/** One workflow task as its history tells it: when it was scheduled and which version's worker completed it. */
export interface CompletedWorkflowTask {
  scheduledAt: number;
  buildId: string | undefined;
  identity: string;
}

export interface RunFacts {
  workflowTasks: CompletedWorkflowTask[];
  /** Identities of the workers that started each activity task. */
  activityWorkers: string[];
  /** Failed workflow tasks (a nondeterminism error would be one). */
  failedWorkflowTasks: number;
}

const millis = (time: temporal.api.history.v1.IHistoryEvent['eventTime']) => Number(time?.seconds ?? 0) * 1000 + Math.floor((time?.nanos ?? 0) / 1e6);

/** What one run's history says about where it ran. */
export async function runFacts(client: Client, workflowId: string, runId?: string): Promise<RunFacts> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  const events = history.events ?? [];
  const byId = new Map(events.map((event) => [Number(event.eventId), event]));
  const facts: RunFacts = { workflowTasks: [], activityWorkers: [], failedWorkflowTasks: 0 };
  for (const event of events) {
    if (event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) {
      const completed = event.workflowTaskCompletedEventAttributes!;
      const scheduled = byId.get(Number(completed.scheduledEventId));
      facts.workflowTasks.push({ scheduledAt: millis(scheduled?.eventTime), buildId: completed.deploymentVersion?.buildId ?? undefined, identity: completed.identity ?? '' });
    } else if (event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED) {
      facts.activityWorkers.push(event.activityTaskStartedEventAttributes?.identity ?? '');
    } else if (event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED) {
      facts.failedWorkflowTasks++;
    }
  }
  return facts;
}

/** Every run of a workflow id, oldest first: an array continues as new. */
export async function runIds(client: Client, workflowId: string): Promise<string[]> {
  const described = await client.workflow.getHandle(workflowId).describe();
  const ids = [described.raw.workflowExecutionInfo?.firstRunId || described.runId];
  for (;;) {
    const history = await client.workflow.getHandle(workflowId, ids[ids.length - 1]).fetchHistory();
    const next = history.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
    if (!next) return ids;
    ids.push(next);
  }
}

/** The version a run is on now and how it meets a new one, as describe reports them. */
export async function versioningOf(client: Client, workflowId: string): Promise<{ behavior: string; buildId: string | undefined }> {
  const described = await client.workflow.getHandle(workflowId).describe();
  const info = described.raw.workflowExecutionInfo?.versioningInfo;
  return {
    behavior: temporal.api.enums.v1.VersioningBehavior[info?.behavior ?? 0],
    buildId: info?.deploymentVersion?.buildId ?? undefined,
  };
}

/** Whether Temporal reports the version drained: no open workflow is pinned to it any more. */
export async function drainageOf(client: Client, version: WorkerDeploymentVersion): Promise<string> {
  const described = await client.workflowService.describeWorkerDeploymentVersion({ namespace: client.options.namespace, deploymentVersion: version });
  return temporal.api.enums.v1.VersionDrainageStatus[described.workerDeploymentVersionInfo?.drainageInfo?.status ?? 0];
}
