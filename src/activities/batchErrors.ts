import { ApplicationFailure } from '@temporalio/common';

/** Batch's error code from an `@azure/batch` RestError, if any. */
export function batchErrorCode(error: unknown): string | undefined {
  const body = (error as { body?: { code?: string } } | undefined)?.body;
  return body?.code ?? (error as { code?: string } | undefined)?.code;
}

export function batchStatusCode(error: unknown): number | undefined {
  return (error as { statusCode?: number } | undefined)?.statusCode;
}

/** Retrying cannot help: the input is wrong. Surfaces to the user as a Failed job. */
export function invalidInput(message: string, type = 'InvalidInput'): ApplicationFailure {
  return ApplicationFailure.create({ message, type, nonRetryable: true });
}
