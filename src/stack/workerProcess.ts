import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import path from 'node:path';
import { taskQueue } from '../client/temporalSettings';
import { repoRoot } from './config';
import { ManagedProcess } from './managedProcess';

export interface WorkerProcessOptions {
  temporalAddress: string;
  namespace: string;
  connectionsFile: string;
  logFile: string;
  /** This worker's name to Temporal; with several workers, readiness waits for this one's poller. */
  identity?: string;
  /** Where the worker keeps its activity counts (see activities/activityCounts.ts). */
  countsFile?: string;
}

/**
 * Ready when Temporal reports a poller on our task queue (this worker's own,
 * when it has an identity): the worker has bundled its workflows and connected.
 */
async function hasWorkflowPoller(address: string, namespace: string, identity?: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 1000 });
  try {
    const response = await connection.workflowService.describeTaskQueue({
      namespace,
      taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    });
    return (response.pollers ?? []).some((poller) => identity === undefined || poller.identity === identity);
  } finally {
    await connection.close();
  }
}

export async function startWorkerProcess(options: WorkerProcessOptions): Promise<ManagedProcess> {
  return ManagedProcess.start({
    name: 'remote-batch worker',
    command: process.execPath,
    args: ['--import', 'tsx', path.join(repoRoot, 'src', 'worker.ts')],
    cwd: repoRoot,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: options.temporalAddress,
      TEMPORAL_NAMESPACE: options.namespace,
      REMOTE_BATCH_CONNECTIONS_FILE: options.connectionsFile,
      ...(options.identity ? { REMOTE_BATCH_WORKER_IDENTITY: options.identity } : {}),
      ...(options.countsFile ? { REMOTE_BATCH_WORKER_COUNTS_FILE: options.countsFile } : {}),
    },
    logFile: options.logFile,
    isReady: () => hasWorkflowPoller(options.temporalAddress, options.namespace, options.identity),
    readyTimeoutMs: 120_000,
  });
}
