import type { BatchEnvironment } from './environment';

export interface WaitOptions {
  abortSignal?: AbortSignal;
  /** The longest gap between two reads of the job's state. */
  pollIntervalInMs?: number;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}

/**
 * Reads the job's state until `ended` returns something. Between reads it
 * waits for the workflow's run to close (a long poll on its result, so the
 * answer comes the moment the run ends) or for the poll interval, whichever is
 * first: a run can outlive its job's end (a retry window) or be replaced by a
 * retry run, and the state is what counts.
 */
export async function waitForEnd<T>(env: BatchEnvironment, workflowId: string, ended: () => Promise<T | undefined>, options: WaitOptions = {}): Promise<T> {
  const stop = new AbortController();
  const abort = () => stop.abort();
  options.abortSignal?.addEventListener('abort', abort);
  try {
    const client = await env.client();
    let runClosed: Promise<void> | undefined;
    for (;;) {
      options.abortSignal?.throwIfAborted();
      const result = await ended();
      if (result !== undefined) return result;
      runClosed ??= client.withAbortSignal(stop.signal, () => client.workflow.getHandle(workflowId).result()).then(
        () => undefined,
        () => undefined,
      );
      const interval = sleep(options.pollIntervalInMs ?? 500, stop.signal);
      if ((await Promise.race([runClosed.then(() => 'closed' as const), interval])) === 'closed') runClosed = undefined;
    }
  } finally {
    options.abortSignal?.removeEventListener('abort', abort);
    stop.abort();
  }
}
