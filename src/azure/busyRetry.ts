interface CloneableRequest {
  clone?(): CloneableRequest;
}

interface PolicyLike<Req, Res> {
  sendRequest(request: Req): Promise<Res>;
}

/** Batch's answers for "not now": the request was not carried out, so asking again is safe. */
const busyStatuses = new Set([429, 500, 503]);
const extraTries = 5;

function statusOf(error: unknown): number | undefined {
  const failure = error as { statusCode?: unknown; response?: { status?: number } };
  return typeof failure.statusCode === 'number' ? failure.statusCode : failure.response?.status;
}

function retryAfterMs(error: unknown, attempt: number): number {
  const header = (error as { response?: { headers?: { get(name: string): string | undefined | null } } }).response?.headers?.get('retry-after');
  const seconds = Number(header);
  if (header && Number.isFinite(seconds)) return Math.min(30_000, seconds * 1000);
  return Math.min(10_000, 500 * 2 ** attempt);
}

/**
 * A request policy factory for the Batch client: the SDK retries a 429 only
 * once and stops at a 429 after a 5xx, so a throttled or busy Batch could fail
 * a submission outright. This asks again, as Batch's Retry-After says (or with
 * backoff), a few more times.
 */
export function busyBatchRetry<Req extends CloneableRequest, Res>(): { create(next: PolicyLike<Req, Res>): PolicyLike<Req, Res> } {
  return {
    create: (next) => ({
      async sendRequest(request) {
        for (let attempt = 0; ; attempt++) {
          try {
            return await next.sendRequest((request.clone?.() ?? request) as Req);
          } catch (error) {
            const status = statusOf(error);
            if (attempt >= extraTries || status === undefined || !busyStatuses.has(status)) throw error;
            await new Promise((resolve) => setTimeout(resolve, retryAfterMs(error, attempt)));
          }
        }
      },
    }),
  };
}
