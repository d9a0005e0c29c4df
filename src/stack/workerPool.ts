import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { loopback } from './config';
import type { ManagedProcess } from './managedProcess';
import { findFreePort } from './ports';
import { startWorkerProcess } from './workerProcess';
import { workflowBundleVariable } from '../workflowBundle';

export interface WorkerPoolOptions {
  count: number;
  temporalAddress: string;
  namespace: string;
  connectionsFile: string;
  logsDir: string;
  /** The first worker's Prometheus port (chooseMetricsPort); the others take free ones. */
  firstMetricsPort: number;
  /** A prebuilt workflow bundle the workers load instead of bundling the workflows each (workflowBundleCache). */
  workflowBundle?: string;
  /** Keeps each worker running (the stack's supervisor); `restart` starts a worker of the same place again. */
  supervise?: (name: string, first: ManagedProcess, restart: () => Promise<ManagedProcess>) => { stop(): Promise<void> };
}

export interface PooledWorker {
  /** Its name to Temporal (the poller identity shown in the UI and in describeTaskQueue). */
  identity: string;
  logFile: string;
  /** Its pid, for stopping it or killing it in a fault test. */
  pidFile: string;
  /** What it ran, kept by the worker itself (telemetry/activityCounts.ts). */
  countsFile: string;
  metricsPort: number;
  metricsUrl: string;
}

export interface RunningWorkerPool {
  workers: PooledWorker[];
  stop(): Promise<void>;
}

/**
 * One worker keeps today's file names (`worker.log`, `worker.pid`); several are
 * numbered (`worker-2.log`, …). Each has its own identity and counts file.
 */
function pooledWorker(logsDir: string, count: number, index: number, metricsPort: number): PooledWorker {
  const base = path.join(logsDir, count === 1 ? 'worker' : `worker-${index}`);
  return {
    metricsPort,
    metricsUrl: `http://${loopback}:${metricsPort}/metrics`,
    // Unique per start: a poller a killed worker left in Temporal's list must not pass for this one's.
    identity: `remote-batch-worker-${index}@${os.hostname()}/${randomBytes(3).toString('hex')}`,
    logFile: `${base}.log`,
    pidFile: `${base}.pid`,
    countsFile: `${base}.counts.json`,
  };
}

/** `count` worker processes on the one task queue, started side by side; a failed start stops the others. */
export async function startWorkerPool(options: WorkerPoolOptions): Promise<RunningWorkerPool> {
  const workers: PooledWorker[] = [];
  for (let index = 1; index <= options.count; index++) {
    const metricsPort = index === 1 ? options.firstMetricsPort : await findFreePort();
    workers.push(pooledWorker(options.logsDir, options.count, index, metricsPort));
  }
  const start = (worker: PooledWorker, identity = worker.identity, countsFile = worker.countsFile) =>
    startWorkerProcess({
      temporalAddress: options.temporalAddress,
      namespace: options.namespace,
      connectionsFile: options.connectionsFile,
      logFile: worker.logFile,
      identity,
      countsFile,
      metricsPort: worker.metricsPort,
      env: options.workflowBundle ? { [workflowBundleVariable]: options.workflowBundle } : undefined,
    });
  const starts = await Promise.allSettled(workers.map((worker) => start(worker)));
  const started = starts.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failure = starts.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure || !options.supervise) {
    const stop = async () => {
      await Promise.all(started.map((worker) => worker.stop()));
    };
    if (failure) {
      await stop();
      throw failure.reason;
    }
    return { workers, stop };
  }
  const supervise = options.supervise;
  const supervised = started.map((first, at) => {
    const worker = workers[at];
    let restarts = 0;
    // A restarted worker has an identity of its own (the dead one's poller stays listed for minutes) and its own
    // counts file, so the first one's counts stay as they were when it died.
    const restart = () => {
      restarts++;
      const again = pooledWorker(options.logsDir, options.count, at + 1, worker.metricsPort);
      return start(worker, again.identity, worker.countsFile.replace(/\.counts\.json$/, `.restart-${restarts}.counts.json`));
    };
    return supervise(options.count === 1 ? 'remote-batch worker' : `remote-batch worker ${at + 1}`, first, restart);
  });
  return {
    workers,
    stop: async () => {
      await Promise.all(supervised.map((service) => service.stop()));
    },
  };
}
