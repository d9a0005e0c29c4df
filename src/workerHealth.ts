/**
 * `node --import tsx src/workerHealth.ts`: the worker container's health check.
 * Exits 0 when Temporal lists a poller from this host on the workflow task
 * queue, i.e. the worker here has loaded its workflows and is polling.
 */
import { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import os from 'node:os';
import { taskQueue, type TemporalSettings, temporalSettingsFromEnvironment, workerTaskQueue } from './client/temporalSettings';

/** Identities (`pid@host` by default) of the workers polling a workflow task queue. */
export async function workflowPollerIdentities(
  settings: Pick<TemporalSettings, 'address' | 'namespace'> & Partial<TemporalSettings>,
  queue = taskQueue,
): Promise<string[]> {
  const connection = await Connection.connect({
    address: settings.address,
    tls: settings.tls,
    apiKey: settings.apiKey,
    connectTimeout: 2000,
  });
  try {
    const response = await connection.workflowService.describeTaskQueue({
      namespace: settings.namespace,
      taskQueue: { name: queue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
      taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    });
    return (response.pollers ?? []).map((poller) => poller.identity ?? '');
  } finally {
    await connection.close();
  }
}

async function main(): Promise<void> {
  const host = os.hostname();
  const queue = workerTaskQueue();
  const identities = await workflowPollerIdentities(temporalSettingsFromEnvironment(), queue);
  if (identities.some((identity) => identity.endsWith(`@${host}`))) return;
  console.error(`no worker on ${host} polls task queue '${queue}' (pollers: ${identities.join(', ') || 'none'})`);
  process.exitCode = 1;
}

if (require.main === module) {
  main().catch((error: Error) => {
    console.error(`health check failed: ${error.message}`);
    process.exit(1);
  });
}
