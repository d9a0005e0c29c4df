import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInterceptors } from '@temporalio/worker';
import { batchErrorCode, batchStatusCode } from './batchErrors';

/** 4xx answers that retrying cannot change; throttling and conflicts are left to the retry policy. */
const transientStatuses = new Set([408, 409, 429]);

/**
 * Turns Azure's permanent refusals (bad request, not found, forbidden, too large)
 * into non-retryable failures that name Azure's error code, so a job fails with
 * a reason instead of retrying forever.
 */
export function permanentAzureErrors(): ActivityInterceptors {
  return {
    inbound: {
      async execute(input, next) {
        try {
          return await next(input);
        } catch (error) {
          const status = batchStatusCode(error);
          if (status === undefined || status < 400 || status >= 500 || transientStatuses.has(status)) throw error;
          const code = batchErrorCode(error) ?? `HTTP ${status}`;
          const body = (error as { body?: { message?: { value?: string }; values?: { key: string; value: string }[] } }).body;
          const detail = body?.values?.find((item) => item.key === 'Reason')?.value ?? body?.message?.value?.split('\n')[0] ?? (error as Error).message;
          throw ApplicationFailure.create({ message: `Azure refused the request (${code}): ${detail}`, type: code, nonRetryable: true, cause: error as Error });
        }
      },
    },
  };
}
