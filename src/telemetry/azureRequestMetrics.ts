import { batchOperation, storageOperation } from './azureOperation';
import { recordAzureRequest } from './metrics';

interface RequestLike {
  method: string;
  url: string;
}

interface ResponseLike {
  status: number;
  headers: { get(name: string): string | undefined | null };
  parsedBody?: unknown;
  bodyAsText?: string | null;
}

interface PolicyLike<Req, Res> {
  sendRequest(request: Req): Promise<Res>;
}

function errorCodeOf(response: ResponseLike): string {
  if (response.status < 400) return '';
  const header = response.headers.get('x-ms-error-code');
  if (header) return header;
  const parsed = response.parsedBody as { code?: unknown } | undefined;
  if (typeof parsed?.code === 'string') return parsed.code;
  try {
    const body = JSON.parse(response.bodyAsText ?? '') as { code?: unknown };
    if (typeof body.code === 'string') return body.code;
  } catch {
    // Not JSON: the status code says enough.
  }
  return '';
}

/** The storage SDK throws on error answers; Azure's code is in the answer's header or the error's details. */
function errorCodeOfFailure(error: unknown): string {
  const failure = error as { response?: ResponseLike; details?: { errorCode?: unknown }; code?: unknown };
  if (failure.response?.status) {
    const code = errorCodeOf(failure.response);
    if (code) return code;
  }
  if (typeof failure.details?.errorCode === 'string') return failure.details.errorCode;
  return typeof failure.code === 'string' ? failure.code : 'RequestFailed';
}

/**
 * A request policy factory (the shape both `@azure/ms-rest-js` and the storage
 * SDK's pipeline accept) recording each call's latency, HTTP status and Azure
 * error code. Placed first, it times a call including the SDK's own retries.
 */
export function azureRequestMetrics<Req extends RequestLike, Res extends ResponseLike>(
  service: 'batch' | 'storage',
): { create(next: PolicyLike<Req, Res>): PolicyLike<Req, Res> } {
  const operationOf = service === 'batch' ? batchOperation : storageOperation;
  return {
    create: (next) => ({
      async sendRequest(request) {
        const startedAt = performance.now();
        const operation = operationOf(request.method, request.url);
        const seconds = () => (performance.now() - startedAt) / 1000;
        try {
          const response = await next.sendRequest(request);
          recordAzureRequest({ service, operation, statusCode: response.status, errorCode: errorCodeOf(response), seconds: seconds() });
          return response;
        } catch (error) {
          const failure = error as { statusCode?: unknown; response?: ResponseLike };
          const statusCode = typeof failure.statusCode === 'number' ? failure.statusCode : (failure.response?.status ?? 0);
          recordAzureRequest({ service, operation, statusCode, errorCode: errorCodeOfFailure(error), seconds: seconds() });
          throw error;
        }
      },
    }),
  };
}
