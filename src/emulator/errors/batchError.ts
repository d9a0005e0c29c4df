/** One key/value pair of detail in a Batch error body (`values`). */
export interface BatchErrorDetail {
  key: string;
  value: string;
}

/**
 * An error the service answers with: HTTP status, Batch error code, message and details.
 * Only `ErrorFactory` creates these, so every code has exactly one wording.
 */
export class BatchServiceError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly values: BatchErrorDetail[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'BatchServiceError';
  }
}

export function isBatchServiceError(error: unknown): error is BatchServiceError {
  return error instanceof BatchServiceError;
}
