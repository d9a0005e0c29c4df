import type { BatchEnvironment } from './environment';

export interface WaitOptions {
  abortSignal?: AbortSignal;
  /** The longest gap between two reads of the job's state. */
  pollIntervalInMs?: number;
  /** How long one long poll on the run's close is kept before a fresh one replaces it (default 60 s). */
  runWatchLifetimeMs?: number;
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
 * How long one long poll on the run's close is kept. The Temporal client adds
 * an abort listener to the call's signal for each history request under it
 * (the server ends each after about 20 s) and never removes it, so one signal
 * held for minutes gathers listeners until Node warns of a leak. A fresh
 * signal every minute keeps each to a few.
 */
const defaultRunWatchLifetimeMs = 60_000;

interface RunWatch {
  closed: Promise<'closed'>;
  startedAt: number;
  cancel(): void;
}

/** Resolves when the workflow's run closes (or the watch fails: the caller reads the state either way). */
function watchRun(client: Awaited<ReturnType<BatchEnvironment['client']>>, workflowId: string): RunWatch {
  const controller = new AbortController();
  const closed = client.withAbortSignal(controller.signal, () => client.workflow.getHandle(workflowId).result()).then(
    () => 'closed' as const,
    () => 'closed' as const,
  );
  return { closed, startedAt: Date.now(), cancel: () => controller.abort() };
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
  let watch: RunWatch | undefined;
  try {
    const client = await env.client();
    for (;;) {
      options.abortSignal?.throwIfAborted();
      const result = await ended();
      if (result !== undefined) return result;
      if (watch && Date.now() - watch.startedAt >= (options.runWatchLifetimeMs ?? defaultRunWatchLifetimeMs)) {
        watch.cancel();
        watch = undefined;
      }
      watch ??= watchRun(client, workflowId);
      const interval = sleep(options.pollIntervalInMs ?? 500, stop.signal);
      if ((await Promise.race([watch.closed, interval])) === 'closed') watch = undefined;
    }
  } finally {
    options.abortSignal?.removeEventListener('abort', abort);
    watch?.cancel();
    stop.abort();
  }
}
