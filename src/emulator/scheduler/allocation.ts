import { coresOf, type AccountQuotas } from '../model/quotas';
import type { PoolRecord, ResizeError } from '../model/types';

export interface Allocation {
  dedicated: number;
  lowPriority: number;
  /** Why the pool got fewer nodes than its targets, as Batch reports it in `resizeErrors`. */
  errors: ResizeError[];
}

export interface CoresInUse {
  dedicated: number;
  lowPriority: number;
}

/**
 * How many nodes a pool gets for its targets, decided before any node exists: the account's
 * dedicated and low-priority core quotas (less what other pools use), the emulator's nodes per
 * pool, and a pool told to fail allocation. Arithmetic only, so a target of millions is
 * answered at once.
 */
export function allocate(pool: PoolRecord, quotas: AccountQuotas, usedElsewhere: CoresInUse): Allocation {
  if (pool.failAllocation) {
    return { dedicated: 0, lowPriority: 0, errors: [resizeError('AllocationFailed', 'Allocation failed: the region has no capacity for the requested VM size.', [['VmSize', pool.vmSize]])] };
  }
  const cores = coresOf(pool.vmSize);
  const errors: ResizeError[] = [];
  let dedicated = fitCores(pool.targetDedicatedNodes, cores, quotas.dedicatedCoreQuota, usedElsewhere.dedicated, errors, 'AccountCoreQuotaReached', 'The specified account has reached VM core quota.');
  let lowPriority = fitCores(
    pool.targetLowPriorityNodes,
    cores,
    quotas.lowPriorityCoreQuota,
    usedElsewhere.lowPriority,
    errors,
    'AccountLowPriorityCoreQuotaReached',
    'The specified account has reached low priority core quota.',
  );
  if (dedicated + lowPriority > quotas.maxNodesPerPool) {
    dedicated = Math.min(dedicated, quotas.maxNodesPerPool);
    lowPriority = quotas.maxNodesPerPool - dedicated;
    errors.push(
      resizeError('AllocationFailed', `The emulator allocates at most ${quotas.maxNodesPerPool} nodes to one pool (maxNodesPerPool).`, [
        ['MaxNodesPerPool', quotas.maxNodesPerPool],
        ['NodesRequested', pool.targetDedicatedNodes + pool.targetLowPriorityNodes],
      ]),
    );
  }
  return { dedicated, lowPriority, errors };
}

/** The nodes of `cores` vCPUs each that fit in what the quota leaves; a shortfall adds the quota's resize error. */
function fitCores(target: number, cores: number, quota: number, used: number, errors: ResizeError[], code: string, message: string): number {
  const available = Math.max(0, quota - used);
  const nodes = Math.min(target, Math.floor(available / cores));
  if (nodes < target) {
    errors.push(
      resizeError(code, message, [
        ['CoreQuota', quota],
        ['CoresRequested', target * cores],
        ['CoresAvailable', available],
      ]),
    );
  }
  return nodes;
}

function resizeError(code: string, message: string, values: Array<[string, string | number]>): ResizeError {
  return { code, message, values: values.map(([name, value]) => ({ name, value: String(value) })) };
}
