import fs from 'node:fs';
import type { ServerResponse } from 'node:http';
import type { BatchServiceError } from '../errors/batchError';
import type { HandlerResult } from './result';
import { timestamp } from '../model/timestamp';

export const JSON_CONTENT_TYPE = 'application/json;odata=minimalmetadata';

export interface ResponseContext {
  method: string;
  requestId: string;
  clientRequestId?: string;
  baseUrl: string;
}

function commonHeaders(context: ResponseContext): Record<string, string> {
  const headers: Record<string, string> = { 'request-id': context.requestId, DataServiceVersion: '3.0' };
  if (context.clientRequestId) headers['client-request-id'] = context.clientRequestId;
  return headers;
}

export async function writeResult(response: ServerResponse, context: ResponseContext, result: HandlerResult): Promise<void> {
  const headers = { ...commonHeaders(context), ...result.headers };
  if (result.kind === 'json') {
    const text = JSON.stringify(result.body);
    response.writeHead(result.status, { ...headers, 'Content-Type': JSON_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(text) });
    response.end(context.method === 'HEAD' ? undefined : text);
    return;
  }
  if (result.kind === 'empty') {
    response.writeHead(result.status, { ...headers, 'Content-Length': '0' });
    response.end();
    return;
  }
  const stat = await fs.promises.stat(result.path);
  const start = result.range?.start ?? 0;
  const end = result.range?.end ?? stat.size - 1;
  const length = Math.max(0, end - start + 1);
  response.writeHead(result.status, { ...headers, 'Content-Length': String(length) });
  if (context.method === 'HEAD' || length === 0) {
    response.end();
    return;
  }
  await new Promise<void>((resolve) => {
    const stream = fs.createReadStream(result.path, { start, end });
    stream.on('error', () => {
      response.destroy();
      resolve();
    });
    stream.on('end', resolve);
    stream.pipe(response);
  });
}

/** Batch's JSON error body, with the request id and time appended to the message as the service does. */
export function writeError(response: ServerResponse, context: ResponseContext, error: BatchServiceError, now: Date): void {
  const body: Record<string, unknown> = {
    'odata.metadata': `${context.baseUrl}/$metadata#Microsoft.Azure.Batch.Protocol.Entities.Container.errors/@Element`,
    code: error.code,
    message: { lang: 'en-US', value: `${error.message}\nRequestId:${context.requestId}\nTime:${timestamp(now)}` },
  };
  if (error.values.length) body.values = error.values;
  const text = JSON.stringify(body);
  const headers = { ...commonHeaders(context), ...error.headers };
  if (error.statusCode === 304 || context.method === 'HEAD') {
    response.writeHead(error.statusCode, headers);
    response.end();
    return;
  }
  response.writeHead(error.statusCode, { ...headers, 'Content-Type': JSON_CONTENT_TYPE, 'Content-Length': Buffer.byteLength(text) });
  response.end(text);
}
