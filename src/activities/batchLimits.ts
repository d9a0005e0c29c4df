import type { BatchServiceClient } from '@azure/batch';
import { batchErrorCode, batchStatusCode } from './batchErrors';

/** How long Batch asked us to wait (Retry-After, seconds or an HTTP date), if it said. */
export function retryAfterMs(error: unknown): number | undefined {
  const headers = (error as { response?: { headers?: { get(name: string): string | undefined } } } | undefined)?.response?.headers;
  const header = headers?.get('retry-after');
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

/**
 * Batch's limits, as a user should read them while a job waits on one: not a
 * failure, a reason to wait. Undefined for any other error.
 */
export function waitingReason(error: unknown): string | undefined {
  const code = batchErrorCode(error);
  const status = batchStatusCode(error);
  const after = retryAfterMs(error);
  const retry = after !== undefined ? ` (Batch asked to retry after ${Math.ceil(after / 1000)} s)` : '';
  if (code === 'ActiveJobAndScheduleQuotaReached') return `waiting: the Batch account's active job quota is reached${retry}`;
  if (code === 'TooManyRequests' || status === 429) return `waiting: Batch is throttling requests${retry}`;
  if (code === 'ServerBusy' || status === 503) return `waiting: Batch is busy${retry}`;
  return undefined;
}

/** The pool a task waits for cannot run it now: no nodes, or nodes that failed to come. */
export function poolWaitingReason(poolId: string, pool: {
  currentDedicatedNodes?: number;
  currentLowPriorityNodes?: number;
  resizeErrors?: { code?: string; message?: string }[];
}): string | undefined {
  const nodes = (pool.currentDedicatedNodes ?? 0) + (pool.currentLowPriorityNodes ?? 0);
  const resizeError = pool.resizeErrors?.[0]?.code;
  if (nodes > 0) return undefined;
  return `waiting: pool '${poolId}' has no nodes${resizeError ? ` (resize error ${resizeError})` : ''}`;
}

/** Why the tasks of a job's pool cannot start now, if that is the case (looked up only while nothing runs). */
export async function jobPoolWaitingReason(batch: BatchServiceClient, jobId: string): Promise<string | undefined> {
  const poolId = (await batch.job.get(jobId, { jobGetOptions: { select: 'poolInfo' } })).poolInfo?.poolId;
  if (!poolId) return undefined;
  const pool = await batch.pool.get(poolId, { poolGetOptions: { select: 'currentDedicatedNodes,currentLowPriorityNodes,resizeErrors' } });
  return poolWaitingReason(poolId, pool);
}
