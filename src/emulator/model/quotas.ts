import { vcpusOf } from './vmSizes';

/**
 * The Batch account's quotas (Batch service allocation mode). Defaults are the top of the
 * ranges Azure gives a new account: active jobs and job schedules 100–300, dedicated
 * cores 90–900, low-priority cores 10–100, pools 20–100. `maxNodesPerPool` is the
 * emulator's own bound, so no request can make it hold more nodes than a machine can.
 */
export interface AccountQuotas {
  /** Jobs that are not completed (job schedules are not emulated). */
  activeJobAndJobScheduleQuota: number;
  dedicatedCoreQuota: number;
  lowPriorityCoreQuota: number;
  poolQuota: number;
  maxNodesPerPool: number;
}

export const DEFAULT_QUOTAS: AccountQuotas = {
  activeJobAndJobScheduleQuota: 300,
  dedicatedCoreQuota: 900,
  lowPriorityCoreQuota: 100,
  poolQuota: 100,
  maxNodesPerPool: 2_000,
};

export const QUOTA_NAMES = Object.keys(DEFAULT_QUOTAS) as Array<keyof AccountQuotas>;

/**
 * vCPUs of a VM size as Batch counts them against the core quotas: from the size table, else
 * the count the name carries (a configured pool may name a size the table lacks), else 1.
 */
export function coresOf(vmSize: string): number {
  const known = vcpusOf(vmSize);
  if (known !== undefined) return known;
  const match = /^(?:standard|basic)_[a-z]+(\d+)/.exec(vmSize.toLowerCase());
  const cores = match ? Number(match[1]) : 1;
  return cores > 0 ? cores : 1;
}
