import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { loopback } from './config';
import { findFreePort } from './ports';
import { startWorkerProcess } from './workerProcess';

export interface WorkerPoolOptions {
  count: number;
  temporalAddress: string;
  namespace: string;
  connectionsFile: string;
  logsDir: string;
  /** The first worker's Prometheus port (chooseMetricsPort); the others take free ones. */
  firstMetricsPort: number;
}

export interface PooledWorker {
  /** Its name to Temporal (the poller identity shown in the UI and in describeTaskQueue). */
  identity: string;
  logFile: string;
  /** Its pid, for stopping it or killing it in a fault test. */
  pidFile: string;
  /** What it ran, kept by the worker itself (activities/activityCounts.ts). */
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
export function pooledWorker(logsDir: string, count: number, index: number, metricsPort: number): PooledWorker {
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
  const starts = await Promise.allSettled(
    workers.map((worker) =>
      startWorkerProcess({
        temporalAddress: options.temporalAddress,
        namespace: options.namespace,
        connectionsFile: options.connectionsFile,
        logFile: worker.logFile,
        identity: worker.identity,
        countsFile: worker.countsFile,
        metricsPort: worker.metricsPort,
      }),
    ),
  );
  const started = starts.flatMap((start) => (start.status === 'fulfilled' ? [start.value] : []));
  const stop = async () => {
    await Promise.all(started.map((worker) => worker.stop()));
  };
  const failure = starts.find((start): start is PromiseRejectedResult => start.status === 'rejected');
  if (failure) {
    await stop();
    throw failure.reason;
  }
  return { workers, stop };
}
