import path from 'node:path';
import { taskQueue } from '../client/temporalSettings';
import { workflowPollerIdentities } from '../workerHealth';
import { repoRoot } from './config';
import { ManagedProcess } from './managedProcess';

export interface WorkerProcessOptions {
  temporalAddress: string;
  namespace: string;
  connectionsFile: string;
  logFile: string;
  /** The worker's Prometheus port (REMOTE_BATCH_METRICS_PORT); no endpoint when left out. */
  metricsPort?: number;
  /** A task queue of its own instead of 'remote-batch' (REMOTE_BATCH_TASK_QUEUE). */
  taskQueue?: string;
  /** More environment for the worker, e.g. OTEL_EXPORTER_OTLP_ENDPOINT. */
  env?: NodeJS.ProcessEnv;
}

/** Ready when Temporal reports a poller on our task queue: the worker has bundled its workflows and connected. */
async function hasWorkflowPoller(address: string, namespace: string, queue: string): Promise<boolean> {
  return (await workflowPollerIdentities({ address, namespace }, queue)).length > 0;
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
      REMOTE_BATCH_METRICS_PORT: String(options.metricsPort ?? ''),
      REMOTE_BATCH_TASK_QUEUE: options.taskQueue ?? '',
      ...options.env,
    },
    logFile: options.logFile,
    isReady: () => hasWorkflowPoller(options.temporalAddress, options.namespace, options.taskQueue ?? taskQueue),
    readyTimeoutMs: 120_000,
  });
}
