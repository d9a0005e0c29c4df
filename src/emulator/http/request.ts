import type { IncomingHttpHeaders } from 'node:http';
import type { ApiVersion } from '../protocol/apiVersion';

/** Everything a handler may know about a request; handlers never see the raw HTTP objects. */
export interface BatchRequest {
  method: string;
  /** Path and query as received. */
  rawUrl: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  requestId: string;
  /** `http://host:port` as the client addressed us; entity URLs are built on it. */
  baseUrl: string;
  apiVersion: ApiVersion;
  receivedAt: Date;
}

export function headerValue(request: Pick<BatchRequest, 'headers'>, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(',') : value;
}
