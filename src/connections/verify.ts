import type { AbortSignalLike } from '@azure/ms-rest-js';
import { createAzureClients } from '../azure/clients';
import type { Connection } from './connection';

export type CheckedService = 'Azure Batch' | 'Blob Storage';

/**
 * The service turned the credentials down, or could not be reached. The message
 * names the service and its error code and never carries a key: Azure's error
 * bodies do not echo credentials, and the request (whose headers are signed)
 * is left out.
 */
export class ConnectionCheckError extends Error {
  constructor(
    readonly service: CheckedService,
    readonly reason: 'refused' | 'unreachable',
    message: string,
    readonly code?: string,
    readonly statusCode?: number,
  ) {
    super(message);
    this.name = 'ConnectionCheckError';
  }
}

export interface ConnectionCheck {
  /** Ids of the pools the Batch account has (the first page of them). */
  pools: string[];
  /** The Blob Storage endpoint that answered. */
  blobEndpoint: string;
}

export interface VerifyConnectionOptions {
  /** How long each service may take to answer; default 20 s. */
  timeoutInMs?: number;
  abortSignal?: AbortSignal;
}

function errorFacts(error: unknown): { code?: string; statusCode?: number; text: string } {
  const value = error as { code?: string; statusCode?: number; body?: { code?: string; message?: { value?: string } | string }; message?: string };
  const code = value?.body?.code ?? (typeof value?.code === 'string' ? value.code : undefined);
  const bodyMessage = typeof value?.body?.message === 'string' ? value.body.message : value?.body?.message?.value;
  const text = (bodyMessage ?? value?.message ?? String(error)).split('\n')[0];
  return { code, statusCode: value?.statusCode, text };
}

function checkError(service: CheckedService, error: unknown, timedOut: boolean): ConnectionCheckError {
  const { code, statusCode, text } = errorFacts(error);
  if (timedOut) {
    return new ConnectionCheckError(service, 'unreachable', `${service} did not answer in time; check the endpoint and your network.`, code, statusCode);
  }
  if (statusCode === 401 || statusCode === 403) {
    return new ConnectionCheckError(
      service,
      'refused',
      `${service} refused the credentials (${statusCode}${code ? ` ${code}` : ''}): ${text}`,
      code,
      statusCode,
    );
  }
  if (statusCode === undefined) {
    return new ConnectionCheckError(service, 'unreachable', `${service} could not be reached: ${text}`, code, statusCode);
  }
  return new ConnectionCheckError(service, 'refused', `${service} answered ${statusCode}${code ? ` ${code}` : ''}: ${text}`, code, statusCode);
}

async function withTimeout<T>(
  service: CheckedService,
  options: VerifyConnectionOptions,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const timeout = AbortSignal.timeout(options.timeoutInMs ?? 20_000);
  const signal = options.abortSignal ? AbortSignal.any([timeout, options.abortSignal]) : timeout;
  try {
    return await call(signal);
  } catch (error) {
    throw checkError(service, error, timeout.aborted);
  }
}

/**
 * Checks a connection against the services before anyone relies on it: lists
 * the Batch account's pools and the storage account's containers with the
 * official SDKs, exactly as jobs will use them.
 */
export async function verifyConnection(connection: Connection, options: VerifyConnectionOptions = {}): Promise<ConnectionCheck> {
  const clients = createAzureClients(connection);
  const pools = await withTimeout('Azure Batch', options, async (abortSignal) => {
    const page = await clients.batch.pool.list({ poolListOptions: { maxResults: 100, select: 'id' }, abortSignal: abortSignal as AbortSignalLike });
    return page.map((pool) => pool.id ?? '').filter((id) => id !== '');
  });
  await withTimeout('Blob Storage', options, async (abortSignal) => {
    await clients.blobs.listContainers({ abortSignal }).byPage({ maxPageSize: 1 }).next();
  });
  return { pools, blobEndpoint: clients.blobs.url };
}
