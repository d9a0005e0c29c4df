import {
  BaseRequestPolicy,
  type HttpOperationResponse,
  type RequestPolicy,
  type RequestPolicyFactory,
  type RequestPolicyOptionsLike,
  type WebResourceLike,
} from '@azure/ms-rest-js';
import { retryAfterMs } from './errors';

/** Statuses Batch answers when trying again later will do: throttled, busy, a server-side hiccup. */
const transientStatuses = new Set([408, 429, 500, 502, 503, 504]);
const transientNetworkCodes = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT', 'EPIPE', 'EAI_AGAIN']);

export interface TransientRetryOptions {
  /** Tries after the first. */
  retries: number;
  /** The first wait when the answer names none; doubled each try, with jitter. */
  firstDelayMs: number;
  /** No wait is longer than this, `Retry-After` included. */
  maxDelayMs: number;
}

/**
 * The SDK's default retries a 500/503 after 3 s + 30 s × (2^n − 1): one injected
 * hiccup stalls a call for half a minute. This retries at once-ish and doubles,
 * and waits what a `Retry-After` says (429s carry one). Every Batch call we make
 * is idempotent or made so by its activity (JobExists/TaskExists are checked).
 */
const defaultTransientRetry: TransientRetryOptions = { retries: 5, firstDelayMs: 100, maxDelayMs: 10_000 };

/** How long to wait before try `attempt` (1-based), or undefined when the answer is not worth another try. */
function transientDelayMs(
  options: TransientRetryOptions,
  attempt: number,
  failure: { status?: number; networkCode?: string; retryAfter?: string | null },
  random = Math.random,
): number | undefined {
  if (attempt > options.retries) return undefined;
  const transient = failure.status !== undefined ? transientStatuses.has(failure.status) : transientNetworkCodes.has(failure.networkCode ?? '');
  if (!transient) return undefined;
  const asked = retryAfterMs(failure.retryAfter);
  const backoff = options.firstDelayMs * 2 ** (attempt - 1) * (0.5 + random());
  return Math.min(asked ?? backoff, options.maxDelayMs);
}

interface FailureLike {
  statusCode?: number;
  code?: string;
  response?: { status: number; headers: { get(name: string): string | undefined } };
}

class TransientRetryPolicy extends BaseRequestPolicy {
  constructor(next: RequestPolicy, options: RequestPolicyOptionsLike, private readonly retry: TransientRetryOptions) {
    super(next, options);
  }

  async sendRequest(request: WebResourceLike): Promise<HttpOperationResponse> {
    for (let attempt = 1; ; attempt++) {
      let delay: number | undefined;
      try {
        const response = await this._nextPolicy.sendRequest(request.clone());
        delay = transientDelayMs(this.retry, attempt, { status: response.status, retryAfter: response.headers.get('retry-after') });
        if (delay === undefined) return response;
      } catch (error) {
        const failure = error as FailureLike;
        const status = failure.response?.status ?? failure.statusCode;
        delay = transientDelayMs(this.retry, attempt, { status, networkCode: failure.code, retryAfter: failure.response?.headers.get('retry-after') });
        if (delay === undefined) throw error;
      }
      if (request.abortSignal?.aborted) throw new Error('The request was aborted while waiting to retry it.');
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

export function transientRetryPolicy(options: TransientRetryOptions = defaultTransientRetry): RequestPolicyFactory {
  return { create: (next, policyOptions) => new TransientRetryPolicy(next, policyOptions, options) };
}
