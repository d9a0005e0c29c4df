import { setMaxListeners } from 'node:events';
import type { Client } from '@temporalio/client';
import type { BatchEnvironment } from './environment';

/** What every client call that waits or does I/O accepts, as Azure SDK clients do. */
export interface OperationOptions {
  /** Cancels the call: it rejects with the signal's reason (an AbortError) and the job is left as it is. */
  abortSignal?: AbortSignal;
}

/**
 * Runs one operation under the caller's signal through a signal of its own,
 * which follows the caller's without listening to it. The Temporal client
 * adds an abort listener per request and never removes it, and an operation
 * may have many requests in flight: on a caller's long-lived signal they would
 * pile up (Node warns past ten). The operation's signal takes any number and
 * is dropped with the operation.
 */
export async function abortable<R>(signal: AbortSignal | undefined, run: (signal: AbortSignal | undefined) => Promise<R>): Promise<R> {
  if (!signal) return run(undefined);
  signal.throwIfAborted();
  const scoped = AbortSignal.any([signal]);
  setMaxListeners(0, scoped);
  try {
    return await run(scoped);
  } catch (error) {
    // A request cut off by the signal fails with a transport error; the caller asked for the abort, so it gets that.
    if (signal.aborted) throw signal.reason;
    throw error;
  }
}

/** Temporal calls under the caller's signal: every request `fn` makes is cancelled when it fires. */
export function withTemporal<R>(env: BatchEnvironment, signal: AbortSignal | undefined, fn: (client: Client, signal?: AbortSignal) => Promise<R>): Promise<R> {
  return abortable(signal, async (scoped) => {
    const client = await env.client();
    return scoped ? client.withAbortSignal(scoped, () => fn(client, scoped)) : fn(client);
  });
}

/**
 * What `promise` resolves with, or 'elapsed' once `ms` have passed or `signal`
 * fired, whichever is first; never rejects, and leaves no timer or listener behind.
 */
export function within<T>(promise: Promise<T>, ms: number, signal?: AbortSignal): Promise<T | 'elapsed'> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve('elapsed');
    const done = (value: T | 'elapsed') => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', elapsed);
      resolve(value);
    };
    const elapsed = () => done('elapsed');
    const timer = setTimeout(elapsed, ms);
    signal?.addEventListener('abort', elapsed, { once: true });
    promise.then(done, elapsed);
  });
}

/** Resolves after `ms`, or early (never rejecting) once `signal` fires. */
export async function pause(ms: number, signal?: AbortSignal): Promise<void> {
  await within(new Promise<never>(() => undefined), ms, signal);
}
