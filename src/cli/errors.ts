import type { JobNotFoundError } from '../client/jobState';
import type { ConnectionCheckError } from '../connections/verify';
import { CliError, type ExitCode, exitCodes } from './exitCodes';

export interface ExplainedError {
  message: string;
  exitCode: ExitCode;
}

function errorCode(error: unknown): unknown {
  return (error as { code?: unknown } | undefined)?.code;
}

/** gRPC UNAVAILABLE / DEADLINE_EXCEEDED, or a socket that would not connect, anywhere in the cause chain. */
function isUnreachable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; current = (current as { cause?: unknown }).cause, depth++) {
    const code = errorCode(current);
    if (code === 14 || code === 4 || code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'ETIMEDOUT') return true;
    const message = (current as { message?: string }).message ?? '';
    if (/Failed to connect before the deadline|ECONNREFUSED|No connection established/.test(message)) return true;
  }
  return false;
}

function isFromTemporal(error: unknown): boolean {
  const name = (error as { name?: string } | undefined)?.name ?? '';
  const code = errorCode(error);
  return /ServiceError|TransportError|ConnectionError/.test(name) || typeof code === 'number' || /deadline/i.test(String((error as Error)?.message));
}

/** The scheme, host and port an Azure SDK request went to — never its path or query, which may carry a SAS. */
function azureEndpoint(error: unknown): string | undefined {
  const url = (error as { request?: { url?: string } } | undefined)?.request?.url;
  if (!url) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/**
 * Errors are told apart by name, not class, so the CLI does not load the
 * client and the Azure SDKs just to print help or a usage error.
 */
function named<T = Error>(error: unknown, ...names: string[]): error is T {
  return error instanceof Error && names.includes(error.name);
}

/** Turns whatever a command threw into one line for a person and an exit code; never a stack trace. */
export function explainError(error: unknown, context: { temporalAddress?: string; environment?: string } = {}): ExplainedError {
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  if (named<JobNotFoundError>(error, 'JobNotFoundError')) {
    const where = context.environment ? ` (${context.environment})` : '';
    const owner = error.belongsTo;
    const elsewhere = owner ? `; it belongs to pool ${owner.poolId}, connection ${owner.connection} (use --pool/--connection).` : '';
    return { message: `no job ${error.jobId} in this environment${where}${elsewhere}`, exitCode: exitCodes.notFound };
  }
  if (named(error, 'PoolNotFoundError', 'ConnectionNotFoundError', 'ChildNotFoundError', 'UnknownPropertyError', 'JobDeletedError', 'ScheduleNotFound')) return { message: error.message, exitCode: exitCodes.notFound };
  if (named(error, 'InvalidSettingError', 'LoginInputError', 'JobStateError')) return { message: error.message, exitCode: exitCodes.usage };
  if (named(error, 'StoredStateMissingError', 'StoredJsonError')) return { message: error.message, exitCode: exitCodes.internal };
  if (named(error, 'JobInProgressError')) return { message: error.message, exitCode: exitCodes.notFinished };
  if (named(error, 'ConnectionsFileError')) return { message: error.message, exitCode: exitCodes.credentials };
  if (named<ConnectionCheckError>(error, 'ConnectionCheckError')) {
    return { message: error.message, exitCode: error.reason === 'refused' ? exitCodes.credentials : exitCodes.unavailable };
  }
  const statusCode = (error as { statusCode?: number } | undefined)?.statusCode;
  if (statusCode === 401 || statusCode === 403) {
    const { azureErrorFacts } = require('../azure/errors') as typeof import('../azure/errors');
    return {
      message: `Azure refused the connection's credentials (${statusCode}): ${azureErrorFacts(error).detail} — check them with 'remote-batch login --new'.`,
      exitCode: exitCodes.credentials,
    };
  }
  if (isUnreachable(error)) {
    const where = isFromTemporal(error)
      ? `the Temporal server at ${context.temporalAddress ?? '127.0.0.1:7233'} (TEMPORAL_ADDRESS); is it running? 'remote-batch stack' starts a local one`
      : `${azureEndpoint(error) ?? 'Azure Batch or Blob Storage'}; check the connection's endpoints (remote-batch env)`;
    return { message: `cannot reach ${where}.`, exitCode: exitCodes.unavailable };
  }
  if ((error as { name?: string } | undefined)?.name === 'AbortError') return { message: 'interrupted.', exitCode: exitCodes.interrupted };
  const message = error instanceof Error && typeof error.message === 'string' ? error.message : String(error);
  return { message: message.split('\n')[0] || 'unexpected error', exitCode: exitCodes.internal };
}
