import path from 'node:path';
import { loopback, repoRoot } from './config';
import { ManagedProcess } from './managedProcess';
import { assertPortFree } from './ports';

export interface EmulatorProcessOptions {
  port: number;
  dataDir: string;
  accountName: string;
  accountKey: string;
  /** `id:nodes:slotsPerNode`, comma-separated. */
  pools: string;
  logFile: string;
  /** More flags for the emulator (e.g. `--latency-ms 25`, `--nodes-dir …`). */
  extraArgs?: string[];
}

async function isHealthy(port: number): Promise<boolean> {
  const response = await fetch(`http://${loopback}:${port}/health`);
  return response.ok;
}

/** Our Azure Batch emulator in its own process: the tasks it runs are its children and stop with it. */
export async function startEmulatorProcess(options: EmulatorProcessOptions): Promise<{ endpoint: string; process: ManagedProcess; stop(): Promise<void> }> {
  await assertPortFree(options.port, 'the Azure Batch emulator', 'REMOTE_BATCH_EMULATOR_PORT');
  const process_ = await ManagedProcess.start({
    name: 'Azure Batch emulator',
    command: process.execPath,
    args: [path.join(repoRoot, 'scripts', 'emulator.js'), ...(options.extraArgs ?? [])],
    cwd: repoRoot,
    env: {
      ...process.env,
      BATCH_EMULATOR_HOST: loopback,
      BATCH_EMULATOR_PORT: String(options.port),
      BATCH_EMULATOR_DATA_DIR: options.dataDir,
      BATCH_EMULATOR_ACCOUNT: options.accountName,
      BATCH_EMULATOR_KEY: options.accountKey,
      BATCH_EMULATOR_POOLS: options.pools,
    },
    logFile: options.logFile,
    isReady: () => isHealthy(options.port),
  });
  return { endpoint: `http://${loopback}:${options.port}`, process: process_, stop: () => process_.stop() };
}
