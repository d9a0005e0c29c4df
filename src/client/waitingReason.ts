import type { WorkflowExecutionDescription } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { BatchEnvironment } from './environment';
import { describeTaskQueueWorkers, describeWorkerPresence } from './workers';

/** A job that has waited this long with no worker polling says so. */
const noWorkerAfterMs = 60_000;

function decoded(payload: Parameters<typeof defaultPayloadConverter.fromPayload>[0] | undefined): unknown {
  if (!payload) return undefined;
  try {
    return defaultPayloadConverter.fromPayload(payload);
  } catch {
    return undefined;
  }
}

/**
 * What an unfinished job waits on, as its activities report it: a Batch limit
 * (their last failure: quota, throttling) or a pool that cannot run it (their
 * heartbeat: no nodes, resize errors). Undefined when it waits on nothing.
 */
function activityWaitingReason(description: WorkflowExecutionDescription): string | undefined {
  for (const activity of description.raw.pendingActivities ?? []) {
    const heartbeat = decoded(activity.heartbeatDetails?.payloads?.[0] ?? undefined);
    if (typeof heartbeat === 'string' && heartbeat.startsWith('waiting:')) return heartbeat;
    const failure = activity.lastFailure?.message;
    if (failure?.startsWith('waiting:')) return failure;
  }
  return undefined;
}

/** The reason an unfinished job shows while it waits, or undefined. */
export async function waitingReason(env: BatchEnvironment, description: WorkflowExecutionDescription, submittedAt: string | undefined): Promise<string | undefined> {
  const fromActivities = activityWaitingReason(description);
  if (fromActivities) return fromActivities;
  if (!submittedAt || Date.now() - Date.parse(submittedAt) < noWorkerAfterMs) return undefined;
  const client = await env.client();
  const workers = await describeTaskQueueWorkers(client.connection, env.temporal.namespace);
  if (workers.workflowPollers.length + workers.activityPollers.length > 0) return undefined;
  return `waiting: ${describeWorkerPresence(workers)}`;
}
