import { createHmac } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { deliveryHeader, notificationRefusedType, notifySecretVariable, signatureHeader } from '../model/notifications';

/** 4xx answers are the receiver's final word, except "timed out" and "too many requests". */
function isRetryable(httpStatus: number): boolean {
  return httpStatus < 400 || httpStatus >= 500 || httpStatus === 408 || httpStatus === 429;
}

export interface NotificationInput {
  url: string;
  /** The name of the workers' secret to sign with, never the secret. */
  secret?: string;
  /** The JSON body, as sent. */
  body: string;
  /** `<jobId>:<n>`, the same on every try. */
  deliveryId: string;
}

export function notificationActivities(env: NodeJS.ProcessEnv = process.env) {
  return {
    /**
     * POSTs one notification. A 2xx answer delivers it; a 4xx other than 408
     * and 429 refuses it for good; anything else (5xx, no answer) throws, and
     * Temporal tries again with backoff.
     */
    async deliverNotification(input: NotificationInput): Promise<{ httpStatus: number; attempts: number }> {
      const headers: Record<string, string> = { 'content-type': 'application/json', [deliveryHeader]: input.deliveryId };
      if (input.secret !== undefined) {
        const secret = env[notifySecretVariable(input.secret)];
        if (!secret) throw ApplicationFailure.nonRetryable(`this worker has no secret '${input.secret}': set ${notifySecretVariable(input.secret)}.`, notificationRefusedType);
        headers[signatureHeader] = `sha256=${createHmac('sha256', secret).update(input.body).digest('hex')}`;
      }
      const context = Context.current();
      const response = await fetch(input.url, { method: 'POST', headers, body: input.body, signal: AbortSignal.any([context.cancellationSignal, AbortSignal.timeout(30_000)]) });
      await response.body?.cancel();
      if (response.ok) return { httpStatus: response.status, attempts: context.info.attempt };
      const message = `${input.url} answered ${response.status} ${response.statusText}`.trim();
      if (!isRetryable(response.status)) throw ApplicationFailure.create({ message, type: notificationRefusedType, nonRetryable: true, details: [response.status] });
      throw new Error(message);
    },
  };
}
