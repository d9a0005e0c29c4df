import { azureErrorFacts } from '../azure/errors';
import { connectionGateways } from '../azure/gateways';
import { RemoteBatchError } from '../model/errors';
import type { Connection } from './connection';

export type CheckedService = 'Azure Batch' | 'Blob Storage';

/**
 * The service turned the credentials down (`code` 'ConnectionRefused'), or
 * could not be reached ('ConnectionUnreachable'). The message names the
 * service and its error code (`azureCode`) and never carries a key: Azure's
 * error bodies do not echo credentials, and the request (whose headers are
 * signed) is left out.
 */
export class ConnectionCheckError extends RemoteBatchError {
  constructor(
    readonly service: CheckedService,
    readonly reason: 'refused' | 'unreachable',
    message: string,
    readonly azureCode?: string,
    statusCode?: number,
  ) {
    super(message, reason === 'refused' ? 'ConnectionRefused' : 'ConnectionUnreachable', statusCode);
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

function checkError(service: CheckedService, error: unknown, timedOut: boolean): ConnectionCheckError {
  const { code, statusCode, detail: text } = azureErrorFacts(error);
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
  const { batch, storage } = connectionGateways('checked', connection);
  const pools = await withTimeout('Azure Batch', options, (abortSignal) => batch.poolIds(abortSignal));
  await withTimeout('Blob Storage', options, (abortSignal) => storage.check(abortSignal));
  return { pools, blobEndpoint: storage.url };
}
