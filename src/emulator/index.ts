import { resolveOptions, type EmulatorOptions } from './config';
import { BatchEmulator } from './emulator';

export { DEFAULT_ACCOUNT_KEY, DEFAULT_ACCOUNT_NAME, DEFAULT_POOLS, EmulatorConfigError, parsePoolSpecs, type EmulatorOptions } from './config';
export { EmulatorPortInUseError } from './emulator';
export type { FaultOptions } from './http/faults';
export type { PoolDefinition } from './scheduler/poolManager';
export { SUPPORTED_API_VERSIONS } from './protocol/apiVersion';

export interface RunningEmulator {
  /** Base URL to give a Batch client, e.g. `http://127.0.0.1:8777`. */
  url: string;
  port: number;
  accountName: string;
  accountKey: string;
  /** Simulates losing a node: its running tasks are killed and requeued, then the node comes back. */
  loseNode(poolId: string, nodeId?: string): Promise<void>;
  /** Stops serving, kills every task process and makes the state durable. */
  close(): Promise<void>;
}

/** Starts the local Azure Batch service; resolves once it accepts requests. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const resolved = resolveOptions(options);
  const emulator = new BatchEmulator(resolved);
  let address: { url: string; port: number };
  try {
    address = await emulator.listen();
  } catch (error) {
    await emulator.close();
    throw error;
  }
  return {
    ...address,
    accountName: resolved.accountName,
    accountKey: resolved.accountKey,
    loseNode: (poolId, nodeId) => emulator.loseNode(poolId, nodeId),
    close: () => emulator.close(),
  };
}
