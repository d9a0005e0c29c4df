import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { verifySharedKey } from '../auth/sharedKey';
import { BatchServiceError, isBatchServiceError } from '../errors/batchError';
import { ErrorFactory } from '../errors/errorFactory';
import { checkApiVersion, LATEST_API_VERSION } from '../protocol/apiVersion';
import type { FaultInjector } from './faults';
import type { BatchRequest } from './request';
import { writeError, writeResult, type ResponseContext } from './respond';
import type { Router } from './router';
import { ADMIN_PREFIX } from './routes';

export interface HttpPipelineOptions {
  accountName: string;
  accountKey: Buffer;
  router: Router;
  /** Larger bodies are refused with RequestBodyTooLarge. */
  maxBodyBytes: number;
  faults?: FaultInjector;
  /** Accept any `Authorization: Bearer …` without checking it (tests of token-based clients). */
  acceptBearerTokens?: boolean;
  log?: (line: string) => void;
  /** Awaited after a handler changed something and before the answer goes out, so an acknowledged change is durable. */
  commit?: () => Promise<void>;
}

/**
 * The request pipeline, in Azurite's order: context → health → faults → body →
 * authentication → api-version → dispatch → handler → serialize; any BatchServiceError
 * thrown on the way becomes Batch's error response.
 */
export function createBatchHttpServer(options: HttpPipelineOptions): http.Server {
  const server = http.createServer((request, response) => {
    void handle(options, request, response);
  });
  server.keepAliveTimeout = 5_000;
  return server;
}

async function handle(options: HttpPipelineOptions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const receivedAt = new Date();
  const rawUrl = request.url ?? '/';
  // Batch echoes client-request-id only when return-client-request-id asks for it.
  const echo = headerText(request, 'return-client-request-id')?.toLowerCase() === 'true';
  const clientRequestId = echo ? (headerText(request, 'client-request-id') ?? headerText(request, 'x-ms-client-request-id')) : undefined;
  const context: ResponseContext = {
    method: request.method ?? 'GET',
    requestId: randomUUID(),
    clientRequestId,
    baseUrl: `http://${request.headers.host ?? 'localhost'}`,
  };
  const url = new URL(rawUrl, context.baseUrl);

  if (url.pathname === '/health' && (request.method === 'GET' || request.method === 'HEAD')) {
    response.writeHead(200, { 'Content-Type': 'text/plain', 'request-id': context.requestId });
    response.end(request.method === 'HEAD' ? undefined : 'ok');
    return;
  }

  try {
    await options.faults?.beforeRequest();
    const body = await readBody(request, options.maxBodyBytes);
    authenticate(options, request, rawUrl, receivedAt);
    const apiVersion = url.pathname.startsWith(ADMIN_PREFIX) ? LATEST_API_VERSION : checkApiVersion(url.searchParams.get('api-version'));
    const { handler, params } = options.router.resolve(context.method, url.pathname);
    const batchRequest: BatchRequest = {
      method: context.method,
      rawUrl,
      path: url.pathname,
      query: withLowerCaseNames(url.searchParams),
      headers: request.headers,
      body,
      requestId: context.requestId,
      baseUrl: context.baseUrl,
      apiVersion,
      receivedAt,
    };
    const result = await handler(batchRequest, params);
    if (context.method !== 'GET' && context.method !== 'HEAD') await options.commit?.();
    await writeResult(response, context, result);
  } catch (error) {
    if (!isBatchServiceError(error)) options.log?.(`batch emulator: internal error on ${context.method} ${rawUrl}: ${(error as Error)?.stack ?? error}`);
    const batchError = isBatchServiceError(error) ? error : ErrorFactory.internalError();
    if (!response.headersSent) writeError(response, context, batchError, new Date());
    else response.destroy();
  }
}

function authenticate(options: HttpPipelineOptions, request: IncomingMessage, rawUrl: string, now: Date): void {
  const authorization = headerText(request, 'authorization') ?? '';
  if (options.acceptBearerTokens && /^Bearer \S+/.test(authorization)) return;
  verifySharedKey({ method: request.method ?? 'GET', rawUrl, headers: request.headers }, options.accountName, options.accountKey, now);
}

function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) tooLarge = true;
      else chunks.push(chunk);
    });
    request.on('end', () => (tooLarge ? reject(ErrorFactory.requestBodyTooLarge(maxBytes)) : resolve(Buffer.concat(chunks))));
    request.on('error', (error) => reject(new BatchServiceError(400, 'InvalidInput', `The request body could not be read: ${error.message}`)));
  });
}

/** Batch reads query parameter names in any case (`maxResults` is `maxresults`). */
function withLowerCaseNames(query: URLSearchParams): URLSearchParams {
  return new URLSearchParams([...query.entries()].map(([name, value]): [string, string] => [name.toLowerCase(), value]));
}

function headerText(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
