import { randomUUID } from 'node:crypto';
import type { AccountQuotas } from '../model/quotas';
import type { FailureInfo, JobRecord, JsonObject } from '../model/types';
import type { AutoPoolSpecification, PoolSpecification } from '../protocol/schemas';
import type { BatchStore } from '../store/store';
import type { PoolManager } from './poolManager';
import { poolSettingsOf } from './poolSettings';

export const autoPoolSpecificationOf = (job: JobRecord): AutoPoolSpecification | undefined =>
  (job.spec.poolInfo as { autoPoolSpecification?: AutoPoolSpecification } | undefined)?.autoPoolSpecification;

/**
 * Pools Batch creates for a job from `poolInfo.autoPoolSpecification`: named by the prefix and
 * a GUID, counted against the pool and core quotas like any pool, and deleted when the job's
 * lifetime ends (completed or deleted) unless `keepAlive` is set.
 */
export class AutoPools {
  constructor(
    private readonly store: BatchStore,
    private readonly pools: PoolManager,
    private readonly quotas: AccountQuotas,
  ) {}

  /** Creates the job's pool and names it in the job; otherwise returns the job's scheduling error. */
  create(job: JobRecord, now: Date): FailureInfo | undefined {
    const spec = autoPoolSpecificationOf(job);
    if (!spec) return undefined;
    if (!spec.pool) {
      return {
        category: 'usererror',
        code: 'InvalidAutoPoolSettings',
        message: 'The specified autopool settings are not valid.',
        details: [{ name: 'Reason', value: 'The auto pool specification has no pool (poolInfo.autoPoolSpecification.pool).' }],
      };
    }
    if (this.store.listPools().length >= this.quotas.poolQuota) {
      return {
        category: 'usererror',
        code: 'AutoPoolCreationFailedWithQuotaReached',
        message: 'The pool quota for the account is reached.',
        details: [{ name: 'Quota', value: String(this.quotas.poolQuota) }],
      };
    }
    const pool = spec.pool as PoolSpecification;
    const guid = randomUUID().toUpperCase();
    const id = spec.autoPoolIdPrefix ? `${spec.autoPoolIdPrefix}_${guid}` : guid;
    this.pools.create(id, pool as JsonObject, poolSettingsOf(pool), now);
    job.autoPoolId = id;
    job.executionInfo.poolId = id;
    return undefined;
  }

  /** The job completed or is being deleted: its auto pool goes, unless kept alive. */
  async jobEnded(job: JobRecord): Promise<void> {
    if (!job.autoPoolId || autoPoolSpecificationOf(job)?.keepAlive) return;
    const pool = this.store.getPool(job.autoPoolId);
    if (pool && pool.state === 'active') await this.pools.delete(pool, new Date());
  }
}
