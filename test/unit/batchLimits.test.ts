import { azureErrorFacts, waitingReason } from '../../src/azure/errors';
import { poolWaitingReason } from '../../src/azure/poolWaiting';

function batchError(statusCode: number, code: string, retryAfter?: string): Error {
  return Object.assign(new Error(code), {
    statusCode,
    body: { code, message: { value: code } },
    response: { headers: { get: (name: string) => (name === 'retry-after' ? retryAfter : undefined) } },
  });
}

describe("Batch's limits, as a waiting job shows them", () => {
  it('words the active job quota, throttling and a busy service as reasons to wait, with Retry-After', () => {
    expect(waitingReason(batchError(409, 'ActiveJobAndScheduleQuotaReached'))).toBe("waiting: the Batch account's active job quota is reached");
    expect(waitingReason(batchError(429, 'TooManyRequests', '7'))).toBe('waiting: Batch is throttling requests (Batch asked to retry after 7 s)');
    expect(waitingReason(batchError(503, 'ServerBusy'))).toBe('waiting: Batch is busy');
    expect(azureErrorFacts(batchError(429, 'TooManyRequests', '3')).retryAfterMs).toBe(3000);
  });

  it('leaves every other error alone', () => {
    expect(waitingReason(batchError(409, 'JobExists'))).toBeUndefined();
    expect(waitingReason(batchError(400, 'InvalidPropertyValue'))).toBeUndefined();
  });

  it('names a pool with no nodes and its resize error', () => {
    expect(poolWaitingReason('x', { currentDedicatedNodes: 0, resizeErrors: [{ code: 'AllocationFailed' }] })).toBe(
      "waiting: pool 'x' has no nodes (resize error AllocationFailed)",
    );
    expect(poolWaitingReason('x', { currentDedicatedNodes: 0, currentLowPriorityNodes: 0 })).toBe("waiting: pool 'x' has no nodes");
    expect(poolWaitingReason('x', { currentDedicatedNodes: 2 })).toBeUndefined();
  });
});
