import type { BatchServiceClient } from '@azure/batch';
import { RestError } from '@azure/ms-rest-js';

type Query = Record<string, string | undefined>;

/** The version `@azure/batch` speaks (it sets it on every client). */
const defaultApiVersion = '2022-10-01.16.0';

/** Batch's error body: `{ code, message: { lang, value }, values: [{ key, value }] }`. */
interface BatchErrorBody {
  code?: string;
  message?: { value?: string } | string;
}

/**
 * One Batch REST call through the SDK client's own pipeline (its credentials,
 * our retry and metrics policies), its body and answer as plain JSON: on the
 * hot paths (task collections, task listings) the SDK's model mappers cost
 * more CPU than the rest of the call. Refusals throw the SDK's RestError shape
 * (code, statusCode, body), as the mapped calls do.
 */
export async function sendBatchJson<T>(client: BatchServiceClient, method: 'GET' | 'POST', pathOrUrl: string, query: Query = {}, body?: unknown): Promise<T> {
  const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${client.batchUrl.replace(/\/$/, '')}/${pathOrUrl}`;
  const queryParameters = Object.fromEntries(Object.entries(url.includes('api-version=') ? query : { 'api-version': client.apiVersion ?? defaultApiVersion, ...query }).filter(([, value]) => value !== undefined)) as Record<string, string>;
  const response = await client.sendRequest({
    method,
    url,
    queryParameters,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json; odata=minimalmetadata; charset=utf-8' },
    ...(body === undefined ? {} : { body }),
  });
  const parsed = (response.parsedBody ?? (response.bodyAsText ? JSON.parse(response.bodyAsText) : undefined)) as unknown;
  if (response.status >= 400) {
    const error = (parsed ?? {}) as BatchErrorBody;
    const message = typeof error.message === 'string' ? error.message : (error.message?.value ?? `Batch answered ${response.status}`);
    throw new RestError(message, error.code, response.status, response.request, response, parsed);
  }
  return parsed as T;
}
