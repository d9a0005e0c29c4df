import { z } from 'zod';
import { ErrorFactory } from '../errors/errorFactory';
import type { BatchRequest } from '../http/request';
import { json, type HandlerResult } from '../http/result';
import type { AccountQuotas } from '../model/quotas';
import type { PoolRecord } from '../model/types';
import { parseOptionalJsonBody, validateBody } from '../protocol/validate';
import type { AutoScaling } from '../scheduler/autoScaling';
import type { PoolManager } from '../scheduler/poolManager';
import type { BatchStore } from '../store/store';

const count = z.number().int('The value must be a whole number.').min(0).max(2_147_483_647);
const quotasPatchSchema = z.strictObject({
  activeJobAndJobScheduleQuota: count.optional(),
  dedicatedCoreQuota: count.optional(),
  lowPriorityCoreQuota: count.optional(),
  poolQuota: count.optional(),
  maxNodesPerPool: count.optional(),
});
const preemptSchema = z.strictObject({ nodeId: z.string().optional() });
const allocationFailureSchema = z.strictObject({ enabled: z.boolean() });

/**
 * The emulator's own control surface, under `/emulator/` (not a Batch path), so tests of a
 * Batch client can make Batch's bad days happen: spot preemption, failed allocation, quotas.
 * Signed like any Batch request; no api-version.
 */
export class AdminHandler {
  constructor(
    private readonly store: BatchStore,
    private readonly pools: PoolManager,
    private readonly quotas: AccountQuotas,
    private readonly autoScaling: AutoScaling,
  ) {}

  getQuotas(): HandlerResult {
    return json(200, { ...this.quotas });
  }

  /** Changes quotas while running; pools are not reallocated until they are next resized. */
  patchQuotas(request: BatchRequest): HandlerResult {
    const body = validateBody(quotasPatchSchema, parseOptionalJsonBody(request.body), 'EmulatorQuotas');
    Object.assign(this.quotas, body);
    return json(200, { ...this.quotas });
  }

  async preempt(request: BatchRequest, params: Record<string, string>): Promise<HandlerResult> {
    const pool = this.findPool(params.poolId);
    const body = validateBody(preemptSchema, parseOptionalJsonBody(request.body), 'EmulatorPreemptParameter');
    const node = await this.pools.preempt(pool, body.nodeId);
    return json(200, { poolId: pool.id, nodeId: node.id, state: node.state });
  }

  restorePreempted(_request: BatchRequest, params: Record<string, string>): HandlerResult {
    const pool = this.findPool(params.poolId);
    const restored = this.pools.restorePreempted(pool);
    return json(200, { poolId: pool.id, restored: restored.map((node) => node.id) });
  }

  async allocationFailure(request: BatchRequest, params: Record<string, string>): Promise<HandlerResult> {
    const pool = this.findPool(params.poolId);
    const body = validateBody(allocationFailureSchema, parseOptionalJsonBody(request.body), 'EmulatorAllocationFailureParameter');
    await this.pools.setAllocationFailure(pool, body.enabled, request.receivedAt);
    return json(200, { poolId: pool.id, failAllocation: body.enabled, resizeErrors: pool.resizeErrors ?? [] });
  }

  /** The pool's resize ends now: nodes still arriving are idle, the pool steady. */
  completeResize(_request: BatchRequest, params: Record<string, string>): HandlerResult {
    const pool = this.findPool(params.poolId);
    this.pools.completeResize(pool);
    return json(200, { poolId: pool.id, allocationState: pool.allocationState });
  }

  /** Runs the pool's autoscale formula now, as its next periodic evaluation would; answers the run. */
  runAutoScale(_request: BatchRequest, params: Record<string, string>): HandlerResult {
    const pool = this.findPool(params.poolId);
    if (pool.spec.enableAutoScale !== true) throw ErrorFactory.operationInvalidForCurrentState(`Autoscale is not enabled on pool ${pool.id}.`);
    return json(200, { poolId: pool.id, autoScaleRun: this.autoScaling.run(pool, new Date()) });
  }

  private findPool(poolId: string): PoolRecord {
    const pool = this.store.getPool(poolId);
    if (!pool) throw ErrorFactory.poolNotFound();
    if (pool.state === 'deleting') throw ErrorFactory.poolBeingDeleted();
    return pool;
  }
}
