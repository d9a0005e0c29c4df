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
  /** This worker's name to Temporal; with several workers, readiness waits for this one's poller. */
  identity?: string;
  /** Where the worker keeps its activity counts (see telemetry/activityCounts.ts). */
  countsFile?: string;
}

/**
 * Ready when Temporal reports a poller on our task queue (this worker's own,
 * when it has an identity): the worker has bundled its workflows and connected.
 */
async function hasWorkflowPoller(address: string, namespace: string, queue: string, identity?: string): Promise<boolean> {
  const identities = await workflowPollerIdentities({ address, namespace }, queue);
  return identity === undefined ? identities.length > 0 : identities.includes(identity);
}

export async function startWorkerProcess(options: WorkerProcessOptions): Promise<ManagedProcess> {
  return ManagedProcess.start({
    name: 'remote-batch worker',
    command: process.execPath,
    args: [path.join(repoRoot, 'scripts', 'worker.js')],
    cwd: repoRoot,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: options.temporalAddress,
      TEMPORAL_NAMESPACE: options.namespace,
      REMOTE_BATCH_CONNECTIONS_FILE: options.connectionsFile,
      REMOTE_BATCH_METRICS_PORT: String(options.metricsPort ?? ''),
      REMOTE_BATCH_TASK_QUEUE: options.taskQueue ?? '',
      ...(options.identity ? { REMOTE_BATCH_WORKER_IDENTITY: options.identity } : {}),
      ...(options.countsFile ? { REMOTE_BATCH_WORKER_COUNTS_FILE: options.countsFile } : {}),
      ...options.env,
    },
    logFile: options.logFile,
    isReady: () => hasWorkflowPoller(options.temporalAddress, options.namespace, options.taskQueue ?? taskQueue, options.identity),
    readyTimeoutMs: 120_000,
  });
}
