import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { taskQueue } from './temporalSettings';

/**
 * A poller Temporal saw within this long is a live worker: an idle worker's
 * long poll is renewed at least once a minute. Temporal lists a dead worker's
 * pollers for minutes after it died, so the time matters, not the list.
 */
const livePollerWindowMs = 75_000;


export interface TaskQueueWorkers {
  /** Distinct workers (by identity) polling for workflow tasks and for activity tasks recently. */
  workflowPollers: string[];
  activityPollers: string[];
  /** When a worker last polled, if any ever did. */
  lastSeen?: Date;
}

async function recentPollers(connection: Pick<Connection, 'workflowService'>, namespace: string, type: temporal.api.enums.v1.TaskQueueType, now: number) {
  const response = await connection.workflowService.describeTaskQueue({
    namespace,
    taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    taskQueueType: type,
  });
  return (response.pollers ?? []).map((poller) => {
    const seconds = Number(poller.lastAccessTime?.seconds ?? 0);
    const at = seconds * 1000 + Math.floor((poller.lastAccessTime?.nanos ?? 0) / 1e6);
    return { identity: poller.identity ?? 'unknown', at, live: now - at <= livePollerWindowMs };
  });
}

/** Which workers poll the remote-batch task queue now (Temporal's DescribeTaskQueue). */
export async function describeTaskQueueWorkers(connection: Pick<Connection, 'workflowService'>, namespace: string): Promise<TaskQueueWorkers> {
  const now = Date.now();
  const { TaskQueueType } = temporal.api.enums.v1;
  const [workflow, activity] = await Promise.all([
    recentPollers(connection, namespace, TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, now),
    recentPollers(connection, namespace, TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY, now),
  ]);
  const latest = Math.max(0, ...[...workflow, ...activity].map((poller) => poller.at));
  return {
    workflowPollers: [...new Set(workflow.filter((poller) => poller.live).map((poller) => poller.identity))],
    activityPollers: [...new Set(activity.filter((poller) => poller.live).map((poller) => poller.identity))],
    ...(latest > 0 ? { lastSeen: new Date(latest) } : {}),
  };
}

/** One line for `env --check` and job reasons: is anyone there to run the jobs? */
export function describeWorkerPresence(workers: TaskQueueWorkers): string {
  const count = new Set([...workers.workflowPollers, ...workers.activityPollers]).size;
  if (count > 0) return `${count} worker${count === 1 ? '' : 's'} polling task queue '${taskQueue}'`;
  const last = workers.lastSeen ? ` (last seen ${workers.lastSeen.toISOString()})` : '';
  return `no worker polls task queue '${taskQueue}'${last}: jobs wait until one starts (npm run stack, or npm run worker)`;
}
