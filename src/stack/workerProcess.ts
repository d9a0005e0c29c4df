import { Connection } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { describeTaskQueueWorkers, workerIdentityVariable } from '../client/workers';
import { repoRoot } from './config';
import { ManagedProcess } from './managedProcess';

export interface WorkerProcessOptions {
  temporalAddress: string;
  namespace: string;
  connectionsFile: string;
  logFile: string;
}

/** Ready when Temporal reports a poller on our task queue: the worker has bundled its workflows and connected. */
async function hasWorkflowPoller(address: string, namespace: string, identity: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 1000 });
  try {
    // This worker's own poller: a worker that died a moment ago is still listed for minutes.
    return (await describeTaskQueueWorkers(connection, namespace)).workflowPollers.includes(identity);
  } finally {
    await connection.close();
  }
}

export async function startWorkerProcess(options: WorkerProcessOptions): Promise<ManagedProcess> {
  const identity = `remote-batch-worker-${randomUUID().slice(0, 8)}@${os.hostname()}`;
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
      [workerIdentityVariable]: identity,
    },
    logFile: options.logFile,
    isReady: () => hasWorkflowPoller(options.temporalAddress, options.namespace, identity),
    readyTimeoutMs: 120_000,
  });
}
