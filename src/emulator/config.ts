import path from 'node:path';
import type { FaultOptions } from './http/faults';
import { DEFAULT_QUOTAS, QUOTA_NAMES, type AccountQuotas } from './model/quotas';
import type { LauncherKind } from './node/launcher';
import type { PoolDefinition } from './scheduler/poolManager';

export const DEFAULT_ACCOUNT_NAME = 'localbatch';
/** The Azure subscription the emulated account belongs to: a pool's subnet and managed image must be in it. */
export const DEFAULT_SUBSCRIPTION_ID = '5eb7a7c3-0e0f-4b1c-9a41-0c8e3b0a1f00';
/**
 * The emulator's well-known account key, like Azurite's devstoreaccount1 key: public,
 * documented, fine for local use only. Base64 of 64 bytes, the shape of a real Batch key.
 */
export const DEFAULT_ACCOUNT_KEY = 'nVmxzWe+XJHDVglN3LCnVOPscCKzI/IYQJLpKWJW8kJyH3At6+pDY+70EbMbDVITtlEZm6wYtZeTFKbPcXKjhQ==';
export const DEFAULT_HOST = '127.0.0.1';
/** Batch takes minutes to allocate and boot nodes; the emulator takes long enough to be seen `resizing`. */
export const DEFAULT_RESIZE_DURATION_MS = 300;

export const DEFAULT_POOLS: PoolDefinition[] = [{ id: 'local', nodeCount: 2, taskSlotsPerNode: 4 }];
/** Batch's limit for a request body (an add-task collection must stay under 1 MB). */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export interface EmulatorOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  accountName?: string;
  /** The account's subscription id (pools' subnets and managed images must be in it); default DEFAULT_SUBSCRIPTION_ID. */
  subscriptionId?: string;
  /** Base64; defaults to DEFAULT_ACCOUNT_KEY. */
  accountKey?: string;
  /** State and node working directories. Default `.data/emulator` under the current directory. */
  dataDir?: string;
  /**
   * Where the nodes' directories (task directories, `wd/`, stdout.txt …) go instead of
   * `<dataDir>/pools`. On Batch these live on a node's temporary disk; a tmpfs such as
   * /dev/shm makes task start-up much cheaper than a journaling file system.
   */
  nodesDir?: string;
  /** Pools that exist from the start (and are reshaped to this on every start). */
  pools?: PoolDefinition[];
  /** 'disk' (default) keeps state across restarts in dataDir; 'memory' forgets it. */
  persistence?: 'disk' | 'memory';
  faults?: FaultOptions;
  /** The account's quotas; each missing one takes its default (DEFAULT_QUOTAS). */
  quotas?: Partial<AccountQuotas>;
  /** What starts task processes: `auto` (default) takes the Python posix_spawn launcher when python3 3.9+ is there, else Node's. */
  launcher?: LauncherKind;
  /** Accept `Authorization: Bearer …` without checking it; for tests of token clients only. */
  acceptBearerTokens?: boolean;
  maxBodyBytes?: number;
  /** How often completed tasks past their retentionTime lose their files. Default one minute. */
  retentionSweepMs?: number;
  /**
   * How long a resize that adds nodes keeps the pool `resizing`: its new nodes are `creating`,
   * `starting` from half way, idle at the end. Default DEFAULT_RESIZE_DURATION_MS; 0 makes them idle at once.
   * Configured pools are ready at start whatever this is.
   */
  resizeDurationMs?: number;
  /** Where diagnostics go; default stderr. */
  log?: (line: string) => void;
}

export interface ResolvedOptions {
  host: string;
  port: number;
  accountName: string;
  accountKey: string;
  subscriptionId: string;
  dataDir: string;
  nodesDir: string;
  pools: PoolDefinition[];
  persistence: 'disk' | 'memory';
  faults: FaultOptions;
  quotas: AccountQuotas;
  launcher: LauncherKind;
  acceptBearerTokens: boolean;
  maxBodyBytes: number;
  retentionSweepMs: number;
  resizeDurationMs: number;
  log: (line: string) => void;
}

export class EmulatorConfigError extends Error {
  override name = 'EmulatorConfigError';
}

export function resolveOptions(options: EmulatorOptions): ResolvedOptions {
  const accountKey = options.accountKey ?? DEFAULT_ACCOUNT_KEY;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(accountKey) || Buffer.from(accountKey, 'base64').length === 0) {
    throw new EmulatorConfigError('accountKey must be a non-empty base64 string.');
  }
  const accountName = options.accountName ?? DEFAULT_ACCOUNT_NAME;
  if (!/^[a-z0-9]{3,24}$/.test(accountName)) {
    throw new EmulatorConfigError(`accountName '${accountName}' must be 3 to 24 lowercase letters and digits, as Batch account names are.`);
  }
  const subscriptionId = options.subscriptionId ?? DEFAULT_SUBSCRIPTION_ID;
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(subscriptionId)) {
    throw new EmulatorConfigError(`subscriptionId '${subscriptionId}' must be a GUID, as Azure subscription ids are.`);
  }
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new EmulatorConfigError(`port ${port} must be an integer from 0 to 65535.`);
  const pools = options.pools ?? DEFAULT_POOLS;
  for (const pool of pools) validatePool(pool);
  if (options.launcher !== undefined && !['auto', 'node', 'python'].includes(options.launcher)) {
    throw new EmulatorConfigError(`launcher '${options.launcher}' must be auto, node or python.`);
  }
  const quotas = { ...DEFAULT_QUOTAS };
  for (const name of QUOTA_NAMES) {
    const value = options.quotas?.[name];
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value < 0) throw new EmulatorConfigError(`quota ${name} must be a whole number ≥ 0, not ${value}.`);
    quotas[name] = value;
  }
  return {
    host: options.host ?? DEFAULT_HOST,
    port,
    accountName,
    accountKey,
    subscriptionId,
    dataDir: path.resolve(options.dataDir ?? '.data/emulator'),
    nodesDir: path.resolve(options.nodesDir ?? options.dataDir ?? '.data/emulator'),
    pools,
    persistence: options.persistence ?? 'disk',
    faults: options.faults ?? {},
    quotas,
    launcher: options.launcher ?? 'auto',
    acceptBearerTokens: options.acceptBearerTokens ?? false,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    retentionSweepMs: options.retentionSweepMs ?? 60_000,
    resizeDurationMs: nonNegative(options.resizeDurationMs ?? DEFAULT_RESIZE_DURATION_MS, 'resizeDurationMs'),
    log: options.log ?? ((line) => process.stderr.write(line + '\n')),
  };
}

function nonNegative(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 0) throw new EmulatorConfigError(`${name} must be a number of milliseconds ≥ 0, not ${value}.`);
  return value;
}

function validatePool(pool: PoolDefinition): void {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(pool.id)) throw new EmulatorConfigError(`pool id '${pool.id}' must be 1 to 64 letters, digits, hyphens or underscores.`);
  if (!Number.isInteger(pool.nodeCount) || pool.nodeCount < 0) throw new EmulatorConfigError(`pool '${pool.id}': nodeCount must be a whole number ≥ 0.`);
  const lowPriority = pool.lowPriorityNodeCount ?? 0;
  if (!Number.isInteger(lowPriority) || lowPriority < 0) throw new EmulatorConfigError(`pool '${pool.id}': lowPriorityNodeCount must be a whole number ≥ 0.`);
  if (!Number.isInteger(pool.taskSlotsPerNode) || pool.taskSlotsPerNode < 1 || pool.taskSlotsPerNode > 256) {
    throw new EmulatorConfigError(`pool '${pool.id}': taskSlotsPerNode must be from 1 to 256.`);
  }
}

/**
 * `local:2:4,big:1:16,spot:0+2:4` → pools (id:nodeCount:taskSlotsPerNode, optionally :vmSize;
 * `dedicated+lowPriority` for spot nodes).
 */
export function parsePoolSpecs(text: string): PoolDefinition[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [id, nodes, slots, vmSize] = part.split(':');
      const counts = nodes === undefined ? null : /^(\d+)(?:\+(\d+))?$/.exec(nodes);
      if (!id || !counts || slots === undefined || !/^\d+$/.test(slots)) {
        throw new EmulatorConfigError(`pool '${part}' must look like id:nodeCount:taskSlotsPerNode (nodeCount may be dedicated+lowPriority), for example local:2:4 or spot:0+2:4.`);
      }
      const pool: PoolDefinition = {
        id,
        nodeCount: Number(counts[1]),
        ...(counts[2] !== undefined ? { lowPriorityNodeCount: Number(counts[2]) } : {}),
        taskSlotsPerNode: Number(slots),
        ...(vmSize ? { vmSize } : {}),
      };
      validatePool(pool);
      return pool;
    });
}
