import type { WorkerDeploymentVersion } from '@temporalio/common';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { saveConnection } from '../connections/store';
import { workerVersionFromEnvironment } from '../workerVersion';
import { startAzurite } from './azurite';
import { defaultDataDir, portsFromEnvironment, portVariables, repoRoot, type StackPorts } from './config';
import { startEmulatorProcess } from './emulatorProcess';
import { type ManagedProcess, stopLeftovers } from './managedProcess';
import { chooseMetricsPort } from './metricsPort';
import { assertPortFree } from './ports';
import { startStackTemporal } from './stackTemporal';
import { supervise, type SupervisedService } from './supervisor';
import { ensureTemporalCli } from './temporalCli';
import type { StackTopology } from './topology';
import { makeStackVersionCurrent } from './stackWorkerVersion';
import { type PooledWorker, startWorkerPool } from './workerPool';
import { cachedWorkflowBundle } from './workflowBundleCache';
import { workflowBundleVariable } from '../workflowBundle';

/** The emulator's account for the local stack. Not a secret: it guards nothing but loopback test data. */
export const localBatchAccountName = 'localbatch';
export const localBatchAccountKey = Buffer.from('remote-batch local emulator key, not a secret').toString('base64');

export interface LocalStackOptions {
  /** State folder (SQLite, blobs, node working dirs, logs); kept between runs. */
  dataDir?: string;
  ports?: Partial<StackPorts>;
  /** `id:nodes:slotsPerNode`, comma-separated; default REMOTE_BATCH_POOLS or `local:2:4`. */
  pools?: string;
  log?: (line: string) => void;
  /** More flags for the Batch emulator, e.g. `['--latency-ms', '25']`. */
  emulatorArgs?: string[];
  /** The (first) worker's Prometheus port; default REMOTE_BATCH_METRICS_PORT, else 9464 or a free one. */
  metricsPort?: number;
  /** Default: the dev server and one worker. */
  topology?: Partial<StackTopology>;
}

export interface LocalStack {
  temporalAddress: string;
  namespace: string;
  /** Undefined for the `postgres` topology: the real server has no built-in Web UI. */
  temporalUiUrl?: string;
  /** `host:port` of PostgreSQL, for the `postgres` topology. */
  temporalDatabaseAddress?: string;
  workers: PooledWorker[];
  /** The Worker Deployment version the workers run, current in Temporal once the stack is up. */
  workerVersion: WorkerDeploymentVersion;
  blobEndpoint: string;
  batchEndpoint: string;
  connectionsFile: string;
  logsDir: string;
  /** The (first) worker's Prometheus endpoint (Temporal SDK and remote-batch series); each worker's is in `workers`. */
  metricsUrl: string;
  /** Each service under its supervisor: restarted with backoff when it dies (with `postgres`, Temporal is not among them). */
  services: readonly SupervisedService[];
  workflowUrl(workflowId: string): string | undefined;
  /** Stops the Temporal server process and starts it again on the same state (fault tests). */
  restartTemporal(): Promise<void>;
  stop(): Promise<void>;
}

const serviceNames: Record<keyof StackPorts, string> = {
  temporal: 'the Temporal server',
  temporalUi: 'the Temporal Web UI',
  azurite: 'Azurite (Blob Storage)',
  emulator: 'the Azure Batch emulator',
};

type Stoppable = { stop(): Promise<void> };

/** A tiny detached process that stops this stack's services if this process dies without stopping them. */
function startWatchdog(logsDir: string): void {
  const watchdog = spawn(process.execPath, [path.join(repoRoot, 'scripts', 'stack-watchdog.js'), String(process.pid), logsDir], {
    detached: true,
    stdio: 'ignore',
  });
  watchdog.unref();
}

/**
 * Starts services in parallel; every one that started is registered for stopping,
 * even when another failed, so a failed start leaves no process behind.
 */
async function startTogether<T extends readonly Promise<Stoppable>[]>(
  starts: T,
  stoppers: (() => Promise<void>)[],
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = await Promise.allSettled(starts);
  for (const result of settled) {
    if (result.status !== 'fulfilled') continue;
    const service = result.value;
    stoppers.push(() => service.stop());
  }
  const failure = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failure) throw failure.reason;
  return settled.map((result) => (result as PromiseFulfilledResult<Stoppable>).value) as never;
}

/**
 * Temporal, Azurite and the Batch emulator together, then our workers; each
 * health-checked, all on loopback, each restarted when it dies.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const log = options.log ?? (() => undefined);
  const topology: StackTopology = { temporal: 'dev', workers: 1, ...options.topology };
  const { version: workerVersion } = workerVersionFromEnvironment();
  const dataDir = options.dataDir ?? path.join(defaultDataDir, topology.temporal === 'dev' ? 'stack' : `stack-${topology.temporal}`);
  const ports = { ...portsFromEnvironment(), ...options.ports };
  const logsDir = path.join(dataDir, 'logs');
  fs.mkdirSync(logsDir, { recursive: true });
  stopLeftovers(logsDir);
  startWatchdog(logsDir);
  for (const key of Object.keys(ports) as (keyof StackPorts)[]) {
    await assertPortFree(ports[key], serviceNames[key], portVariables[key]);
  }
  const metricsPort = await chooseMetricsPort(options.metricsPort);
  const cliPath = topology.temporal === 'dev' ? ensureTemporalCli(log) : undefined;

  const stoppers: (() => Promise<void>)[] = [];
  const services: SupervisedService[] = [];
  const stopAll = async () => {
    for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
    stoppers.length = 0;
  };
  const report = { log, stackLogFile: path.join(logsDir, 'stack.log') };
  const supervised = (name: string, first: ManagedProcess, restart: () => Promise<ManagedProcess>) => {
    const service = supervise(name, first, restart, report);
    services.push(service);
    return service;
  };
  try {
    // All at once: nothing runs on the emulator before the workers are up, by when storage is too.
    log('starting Temporal, Azurite and the Azure Batch emulator ...');
    const azuriteOptions = { port: ports.azurite, dataDir: path.join(dataDir, 'azurite'), logFile: path.join(logsDir, 'azurite.log') };
    const emulatorOptions = {
      port: ports.emulator,
      dataDir: path.join(dataDir, 'emulator'),
      accountName: localBatchAccountName,
      accountKey: localBatchAccountKey,
      pools: options.pools ?? process.env.REMOTE_BATCH_POOLS ?? 'local:2:4',
      logFile: path.join(logsDir, 'emulator.log'),
      extraArgs: options.emulatorArgs,
    };
    // A bundle the user names is theirs to build; otherwise one per version of the workflow code, built meanwhile.
    const workflowBundle = process.env[workflowBundleVariable] ? Promise.resolve(undefined) : cachedWorkflowBundle(log);
    workflowBundle.catch(() => undefined);
    const began = Date.now();
    const readyAfter: string[] = [];
    const timed = <T>(name: string, start: Promise<T>) => start.then((started) => (readyAfter.push(`${name} ${((Date.now() - began) / 1000).toFixed(1)} s`), started));
    const [temporal, azurite, emulator] = await startTogether(
      [
        timed('Temporal', startStackTemporal({ kind: topology.temporal, cliPath, port: ports.temporal, uiPort: ports.temporalUi, dataDir, logsDir, log })),
        timed('Azurite', startAzurite(azuriteOptions)),
        timed('emulator', startEmulatorProcess(emulatorOptions)),
      ] as const,
      stoppers,
    );

    const connectionsFile = path.join(dataDir, 'connections.json');
    saveConnection(connectionsFile, 'local', {
      batch: { endpoint: emulator.endpoint, accountName: localBatchAccountName, accountKey: localBatchAccountKey },
      storage: { connectionString: azurite.connectionString },
    });
    process.env.REMOTE_BATCH_CONNECTIONS_FILE = connectionsFile;

    const workflowBundleFile = await workflowBundle;
    log(`ready: ${readyAfter.join(', ')}; starting ${topology.workers === 1 ? 'the remote-batch worker' : `${topology.workers} remote-batch workers`} ...`);
    // From here on every service is supervised: stopping goes through the supervisors, workers first,
    // so no activity runs against services already gone.
    const workers = await startWorkerPool({
      count: topology.workers,
      temporalAddress: temporal.address,
      namespace: temporal.namespace,
      connectionsFile,
      logsDir,
      firstMetricsPort: metricsPort,
      workflowBundle: workflowBundleFile,
      supervise: supervised,
    });
    stoppers.length = 0;
    const temporalService = temporal.supervisable
      ? supervised('Temporal server', temporal.supervisable.process, temporal.supervisable.startAgain)
      : undefined;
    supervised('Azurite (Blob Storage)', azurite.process, async () => (await startAzurite(azuriteOptions)).process);
    supervised('Azure Batch emulator', emulator.process, async () => (await startEmulatorProcess(emulatorOptions)).process);
    if (!temporalService) stoppers.push(() => temporal.stop());
    for (const service of services.slice().reverse()) stoppers.push(() => service.stop());
    await makeStackVersionCurrent(temporal.address, temporal.namespace, workerVersion, log);

    return {
      temporalAddress: temporal.address,
      namespace: temporal.namespace,
      temporalUiUrl: temporal.uiUrl,
      temporalDatabaseAddress: temporal.databaseAddress,
      workers: workers.workers,
      workerVersion,
      blobEndpoint: azurite.blobEndpoint,
      batchEndpoint: emulator.endpoint,
      connectionsFile,
      logsDir,
      metricsUrl: workers.workers[0].metricsUrl,
      services,
      workflowUrl: (workflowId) =>
        temporal.uiUrl && `${temporal.uiUrl}/namespaces/${temporal.namespace}/workflows/${encodeURIComponent(workflowId)}`,
      restartTemporal: () => (temporalService ? temporalService.restartNow() : temporal.restart()),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
