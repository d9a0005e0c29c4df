import { resolveOptions, type EmulatorOptions } from './config';
import { BatchEmulator } from './emulator';
import type { AccountQuotas } from './model/quotas';

export { DEFAULT_ACCOUNT_KEY, DEFAULT_ACCOUNT_NAME, DEFAULT_POOLS, DEFAULT_RESIZE_DURATION_MS, DEFAULT_SUBSCRIPTION_ID, EmulatorConfigError, parsePoolSpecs, type EmulatorOptions } from './config';
export { EmulatorPortInUseError } from './emulator';
export type { FaultOptions } from './http/faults';
export type { PoolDefinition } from './scheduler/poolManager';
export { DEFAULT_QUOTAS, type AccountQuotas } from './model/quotas';
export { SUPPORTED_API_VERSIONS } from './protocol/apiVersion';

export interface RunningEmulator {
  /** Base URL to give a Batch client, e.g. `http://127.0.0.1:8777`. */
  url: string;
  port: number;
  accountName: string;
  accountKey: string;
  /** Simulates losing a node: its running tasks are killed and requeued, then the node comes back. */
  loseNode(poolId: string, nodeId?: string): Promise<void>;
  /** Preempts a low-priority node (a busy one unless named): it turns `preempted` and its tasks are requeued. Resolves with its id. */
  preemptNode(poolId: string, nodeId?: string): Promise<string>;
  /** The pool's preempted nodes come back idle; resolves with their ids. */
  restorePreemptedNodes(poolId: string): string[];
  /** Ends the pool's resize at once (its arriving nodes idle, the pool steady), for tests that must not wait. */
  completeResize(poolId: string): void;
  /** Runs the pool's autoscale formula now, as its next periodic evaluation would (tests need not wait an interval). */
  runAutoScale(poolId: string): void;
  /** While on, the pool cannot allocate: 0 nodes, `resizeErrors` AllocationFailed, tasks requeued. */
  setAllocationFailure(poolId: string, enabled: boolean): Promise<void>;
  /** Changes the account quotas while running; returns them all. */
  setQuotas(quotas: Partial<AccountQuotas>): AccountQuotas;
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
    preemptNode: (poolId, nodeId) => emulator.preemptNode(poolId, nodeId),
    restorePreemptedNodes: (poolId) => emulator.restorePreemptedNodes(poolId),
    completeResize: (poolId) => emulator.completeResize(poolId),
    runAutoScale: (poolId) => emulator.runAutoScale(poolId),
    setAllocationFailure: (poolId, enabled) => emulator.setAllocationFailure(poolId, enabled),
    setQuotas: (quotas) => emulator.setQuotas(quotas),
    close: () => emulator.close(),
  };
}
