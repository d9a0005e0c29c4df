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

/** Old Cloud Services sizes by name; Azure VM sizes carry their vCPU count (standard_d4s_v3 → 4). */
const NAMED_SIZES: Record<string, number> = { extrasmall: 1, small: 1, medium: 2, large: 4, extralarge: 8 };

/** vCPUs of a VM size as Batch counts them against the core quotas; 1 when the name does not say. */
export function coresOf(vmSize: string): number {
  const name = vmSize.toLowerCase();
  if (NAMED_SIZES[name] !== undefined) return NAMED_SIZES[name];
  const match = /^(?:standard|basic)_[a-z]+(\d+)/.exec(name);
  const cores = match ? Number(match[1]) : 1;
  return cores > 0 ? cores : 1;
}
