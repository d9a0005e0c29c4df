import type { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityInterceptors } from '@temporalio/worker';
import { batchErrorCode, batchStatusCode } from './batchErrors';
import { isLocalError } from '../connections/connection';
import { redactSecrets } from './redact';

/** 4xx answers that retrying can change; every other 4xx is final. */
const transientStatuses = new Set([408, 409, 429]);

function describeAzureError(error: unknown): string {
  const body = (error as { body?: { message?: { value?: string } | string; values?: { key: string; value: string }[] } }).body;
  const reason = body?.values?.find((item) => item.key === 'Reason')?.value;
  const message = typeof body?.message === 'string' ? body.message : body?.message?.value;
  return reason ?? message?.split('\n')[0] ?? (error as Error)?.message ?? String(error);
}

/**
 * Every activity failure passes through here before the worker logs it or
 * Temporal records it: SDK errors carry the request (SAS URLs, keys), so only a
 * redacted message travels on, never the error object itself. Azure's
 * permanent refusals (bad request, not found, forbidden, too large) become
 * non-retryable failures naming Azure's code, so a job fails with a reason
 * instead of retrying forever. An error naming the worker's own files says so
 * in the worker's log only.
 */
export function sanitizedActivityErrors(context?: Context): ActivityInterceptors {
  return {
    inbound: {
      async execute(input, next) {
        try {
          return await next(input);
        } catch (error) {
          if (error instanceof ApplicationFailure && error.cause === undefined) throw error;
          const failure = sanitizedFailure(error, context);
          // Its stack would show only this interceptor, by the worker's own file paths.
          failure.stack = '';
          throw failure;
        }
      },
    },
  };
}

function sanitizedFailure(error: unknown, context: Context | undefined): ApplicationFailure {
  if (isLocalError(error)) {
    context?.log.warn(redactSecrets(error.message));
    // The worker's own configuration: retrying cannot change it, and the job fails with this as its reason.
    return ApplicationFailure.create({ message: redactSecrets(error.publicMessage), type: error.name, nonRetryable: true });
  }
  const status = batchStatusCode(error);
  const permanent = status !== undefined && status >= 400 && status < 500 && !transientStatuses.has(status);
  if (permanent) {
    const code = batchErrorCode(error) ?? `HTTP ${status}`;
    return ApplicationFailure.create({
      message: redactSecrets(`Azure refused the request (${code}): ${describeAzureError(error)}`),
      type: code,
      nonRetryable: true,
    });
  }
  const name = error instanceof Error ? error.name : 'Error';
  const detail = status !== undefined ? `HTTP ${status} ${batchErrorCode(error) ?? ''}: ${describeAzureError(error)}` : describeAzureError(error);
  return ApplicationFailure.create({
    message: redactSecrets(detail),
    type: name,
    nonRetryable: error instanceof ApplicationFailure ? (error.nonRetryable ?? false) : false,
  });
}
