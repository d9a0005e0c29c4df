import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { azureErrorFacts } from '../azure/errors';
import { recordActivity } from './metrics';

/** A label for how an activity attempt ended: `ok`, Azure's error code, the HTTP status, or the failure's type. */
export function activityOutcome(error: unknown): string {
  if (error === undefined) return 'ok';
  if (error instanceof CancelledFailure) return 'cancelled';
  const { code, statusCode: status } = azureErrorFacts(error);
  if (typeof code === 'string' && code !== '') return code;
  if (status !== undefined) return `HTTP_${status}`;
  if (error instanceof ApplicationFailure && error.type) return error.type;
  return error instanceof Error ? error.name : 'Error';
}

/**
 * Times every activity attempt. Placed after the error-sanitizing interceptor,
 * so it sees the SDK's own error (with Azure's code) before that is redacted.
 */
export const activityMetrics: ActivityInterceptorsFactory = (ctx) => ({
  inbound: {
    async execute(input, next) {
      const startedAt = performance.now();
      let failure: unknown;
      try {
        return await next(input);
      } catch (error) {
        failure = error ?? new Error('undefined thrown');
        throw error;
      } finally {
        recordActivity(ctx.info.activityType, activityOutcome(failure), (performance.now() - startedAt) / 1000);
      }
    },
  },
});
