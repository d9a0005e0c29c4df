import { RemoteBatchError } from '../model/errors';

/** What an Azure SDK error says, read in one place: Batch's error code, the HTTP status, how long to wait. */
export interface AzureErrorFacts {
  code?: string;
  statusCode?: number;
  /** A `Retry-After` the answer carried (seconds or an HTTP date). */
  retryAfterMs?: number;
  /** Azure's own words: the `Reason` detail, else the message's first line. */
  detail: string;
}

interface SdkErrorShape {
  code?: string;
  statusCode?: number;
  message?: unknown;
  body?: { code?: string; message?: { value?: string } | string; values?: { key: string; value: string }[] };
  response?: { headers?: { get(name: string): string | undefined | null } };
}

export function retryAfterMs(header: string | undefined | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function azureErrorFacts(error: unknown): AzureErrorFacts {
  const shape = (error ?? {}) as SdkErrorShape;
  const body = shape.body;
  const reason = body?.values?.find((item) => item.key === 'Reason')?.value;
  const bodyMessage = typeof body?.message === 'string' ? body.message : body?.message?.value;
  const ownMessage = typeof shape.message === 'string' ? shape.message : undefined;
  const detail = reason ?? bodyMessage?.split('\n')[0] ?? ownMessage?.split('\n')[0] ?? String(error);
  return {
    code: body?.code ?? (typeof shape.code === 'string' ? shape.code : undefined),
    statusCode: typeof shape.statusCode === 'number' ? shape.statusCode : undefined,
    retryAfterMs: retryAfterMs(shape.response?.headers?.get('retry-after')),
    detail,
  };
}

export function isNotFound(error: unknown): boolean {
  return azureErrorFacts(error).statusCode === 404;
}

/**
 * Azure refused for good, by the gateway's own reading (no such pool, a job
 * owned by another workflow, a job that has ended): retrying cannot change it.
 */
export class AzureRefusedError extends RemoteBatchError {
  constructor(message: string, code: string, statusCode?: number) {
    super(message, code, statusCode);
    this.name = 'AzureRefusedError';
  }
}

/**
 * Batch's limits as a user reads them while a job waits on one: not a failure,
 * a reason to wait. Undefined for any other error.
 */
export function waitingReason(error: unknown): string | undefined {
  const { code, statusCode, retryAfterMs: after } = azureErrorFacts(error);
  const retry = after !== undefined ? ` (Batch asked to retry after ${Math.ceil(after / 1000)} s)` : '';
  if (code === 'ActiveJobAndScheduleQuotaReached') return `waiting: the Batch account's active job quota is reached${retry}`;
  if (code === 'TooManyRequests' || statusCode === 429) return `waiting: Batch is throttling requests${retry}`;
  if (code === 'ServerBusy' || statusCode === 503) return `waiting: Batch is busy${retry}`;
  return undefined;
}
