import path from 'node:path';
import { workflowPollerIdentities } from '../workerHealth';
import { repoRoot } from './config';
import { ManagedProcess } from './managedProcess';

export interface WorkerProcessOptions {
  temporalAddress: string;
  namespace: string;
  connectionsFile: string;
  logFile: string;
}

/** Ready when Temporal reports a poller on our task queue: the worker has bundled its workflows and connected. */
async function hasWorkflowPoller(address: string, namespace: string): Promise<boolean> {
  return (await workflowPollerIdentities({ address, namespace })).length > 0;
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
    },
    logFile: options.logFile,
    isReady: () => hasWorkflowPoller(options.temporalAddress, options.namespace),
    readyTimeoutMs: 120_000,
  });
}
