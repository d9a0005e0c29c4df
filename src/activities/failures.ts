import type { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { ActivityInterceptors } from '@temporalio/worker';
import { azureErrorFacts, waitingReason } from '../azure/errors';
import { isLocalError } from '../connections/connection';
import { RemoteBatchError } from '../model/errors';
import { redactSecrets } from './redact';

/** 4xx answers that retrying can change; every other 4xx is final. */
const retriedClientStatuses = new Set([408, 409, 429]);

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
          // An activity that stopped because it was cancelled reports just that.
          if (error instanceof CancelledFailure) throw error;
          const failure = sanitizedFailure(error, context);
          // Its stack would show only this interceptor, by the worker's own file paths.
          failure.stack = '';
          throw failure;
        }
      },
    },
  };
}

export function sanitizedFailure(error: unknown, context?: Context): ApplicationFailure {
  if (isLocalError(error)) {
    context?.log.warn(redactSecrets(error.message));
    // The worker's own configuration: retrying cannot change it, and the job fails with this as its reason.
    return ApplicationFailure.create({ message: redactSecrets(error.publicMessage), type: error.name, nonRetryable: true });
  }
  // Our own refusals (no such pool, elements missing, a job that has ended): final, and worded for the user.
  if (error instanceof RemoteBatchError && error.statusCode !== undefined && error.statusCode < 500) {
    return ApplicationFailure.create({ message: redactSecrets(error.message), type: error.code, nonRetryable: true });
  }
  const facts = azureErrorFacts(error);
  const { statusCode: status, code } = facts;
  if (status !== undefined && status >= 400 && status < 500 && !retriedClientStatuses.has(status)) {
    const named = code ?? `HTTP ${status}`;
    return ApplicationFailure.create({ message: redactSecrets(`Azure refused the request (${named}): ${facts.detail}`), type: named, nonRetryable: true });
  }
  // A Batch limit (quota, throttling) is a reason to wait, worded for the user and retried when Batch asks.
  const waiting = waitingReason(error);
  if (waiting) {
    const after = facts.retryAfterMs;
    return ApplicationFailure.create({ message: waiting, type: 'BatchLimit', ...(after !== undefined ? { nextRetryDelay: Math.max(1000, after) } : {}) });
  }
  const name = error instanceof Error ? error.name : 'Error';
  const detail = status !== undefined ? `HTTP ${status} ${code ?? ''}: ${facts.detail}` : facts.detail;
  return ApplicationFailure.create({
    message: redactSecrets(detail),
    type: name,
    nonRetryable: error instanceof ApplicationFailure ? (error.nonRetryable ?? false) : false,
  });
}
