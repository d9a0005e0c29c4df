import { z } from 'zod';
import { compileFormula, isFormulaSyntaxError } from '../autoscale/formula';
import { ErrorFactory } from '../errors/errorFactory';
import type { BatchRequest } from '../http/request';
import { json, type HandlerResult } from '../http/result';
import { timestamp } from '../model/timestamp';
import { touch } from '../model/transitions';
import type { PoolRecord } from '../model/types';
import { parseDuration } from '../protocol/durations';
import { metadataUrl } from '../protocol/serialize';
import { parseJsonBody, parseOptionalJsonBody, validateBody } from '../protocol/validate';
import type { AutoScaling } from '../scheduler/autoScaling';
import type { BatchStore } from '../store/store';
import { changed, checkConditions } from './common';

/** Batch evaluates a pool's formula at most every 5 minutes and at least every 168 hours. */
export const evaluationInterval = z
  .string()
  .refine((text) => {
    const ms = parseDuration(text);
    return ms !== undefined && ms >= 5 * 60_000 && ms <= 168 * 3_600_000;
  }, 'The evaluation interval must be an ISO 8601 duration from PT5M to PT168H.');

const enableSchema = z.strictObject({ autoScaleFormula: z.string().optional(), autoScaleEvaluationInterval: evaluationInterval.optional() });
const evaluateSchema = z.strictObject({ autoScaleFormula: z.string() });

const ENABLE_SPACING_MS = 30_000;

/** A formula Batch cannot read is refused before anything changes (400 AutoScalingFormulaSyntaxError). */
export function checkFormula(formula: string): void {
  try {
    compileFormula(formula);
  } catch (error) {
    if (isFormulaSyntaxError(error)) throw ErrorFactory.autoScalingFormulaSyntaxError(error.message);
    throw error;
  }
}

/** Autoscale on a pool: enable (and change formula or interval), evaluate a formula, disable. */
export class AutoScaleHandler {
  constructor(
    private readonly store: BatchStore,
    private readonly autoScaling: AutoScaling,
  ) {}

  enable(request: BatchRequest, params: Record<string, string>): HandlerResult {
    const pool = this.findActive(params.poolId);
    checkConditions(request, pool, 'write');
    const body = validateBody(enableSchema, parseOptionalJsonBody(request.body), 'PoolEnableAutoScaleParameter');
    if (pool.allocationState !== 'steady') throw ErrorFactory.poolBeingResized();
    const enabled = pool.spec.enableAutoScale === true;
    if (!enabled && body.autoScaleFormula === undefined) throw ErrorFactory.missingRequiredProperty('autoScaleFormula');
    if (pool.autoScaleEnabledAt && request.receivedAt.getTime() - Date.parse(pool.autoScaleEnabledAt) < ENABLE_SPACING_MS) {
      throw ErrorFactory.autoScaleTooManyRequestsToEnable();
    }
    if (body.autoScaleFormula !== undefined) checkFormula(body.autoScaleFormula);
    pool.spec.enableAutoScale = true;
    if (body.autoScaleFormula !== undefined) pool.spec.autoScaleFormula = body.autoScaleFormula;
    pool.spec.autoScaleEvaluationInterval = body.autoScaleEvaluationInterval ?? (enabled ? pool.spec.autoScaleEvaluationInterval : undefined) ?? 'PT15M';
    pool.autoScaleEnabledAt = timestamp(request.receivedAt);
    touch(pool, request.receivedAt);
    this.store.savePool(pool);
    this.autoScaling.enabled(pool, request.receivedAt);
    return changed(200, request, pool);
  }

  /** Evaluates a formula against the pool as it is now; nothing is applied. Needs autoscale enabled. */
  evaluate(request: BatchRequest, params: Record<string, string>): HandlerResult {
    const pool = this.findActive(params.poolId);
    const body = validateBody(evaluateSchema, parseJsonBody(request.body), 'PoolEvaluateAutoScaleParameter');
    if (pool.spec.enableAutoScale !== true) {
      throw ErrorFactory.operationInvalidForCurrentState(`Autoscale is not enabled on pool ${pool.id}; enable it before evaluating a formula.`);
    }
    checkFormula(body.autoScaleFormula);
    const run = this.autoScaling.evaluate(pool, body.autoScaleFormula, request.receivedAt);
    return json(200, { 'odata.metadata': metadataUrl(request.baseUrl, 'Microsoft.Azure.Batch.Protocol.Entities.AutoScaleRun'), ...run }, { DataServiceId: `${request.baseUrl}${request.path}` });
  }

  /** The pool keeps its current size; its formula, interval and last run go. */
  disable(request: BatchRequest, params: Record<string, string>): HandlerResult {
    const pool = this.findActive(params.poolId);
    checkConditions(request, pool, 'write');
    pool.spec.enableAutoScale = false;
    delete pool.spec.autoScaleFormula;
    delete pool.spec.autoScaleEvaluationInterval;
    delete pool.autoScaleRun;
    touch(pool, request.receivedAt);
    this.store.savePool(pool);
    this.autoScaling.disabled(pool);
    return changed(200, request, pool);
  }

  private findActive(poolId: string): PoolRecord {
    const pool = this.store.getPool(poolId);
    if (!pool) throw ErrorFactory.poolNotFound();
    if (pool.state === 'deleting') throw ErrorFactory.poolBeingDeleted();
    return pool;
  }
}
