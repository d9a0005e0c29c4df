import type { BatchEnvironment } from '../../../src/client/environment';
import { waitForEnd } from '../../../src/client/waitForEnd';

/**
 * A Temporal client whose result() behaves as the SDK's does while a run stays
 * open: one history long poll after another, each adding an abort listener to
 * the signal set by withAbortSignal and never removing it.
 */
function clientWithOpenRun(longPollMs: number) {
  let current: AbortSignal | undefined;
  const signals: AbortSignal[] = [];
  const listeners = new Map<AbortSignal, number>();
  const client = {
    withAbortSignal: async <R>(signal: AbortSignal, fn: () => Promise<R>): Promise<R> => {
      current = signal;
      signals.push(signal);
      return fn();
    },
    workflow: {
      getHandle: () => ({
        result: async () => {
          const signal = current!;
          while (!signal.aborted) {
            signal.addEventListener('abort', () => undefined);
            listeners.set(signal, (listeners.get(signal) ?? 0) + 1);
            await new Promise((resolve) => setTimeout(resolve, longPollMs));
          }
          throw new Error('cancelled');
        },
      }),
    },
  };
  const env = { client: async () => client } as unknown as BatchEnvironment;
  return { env, signals, listeners };
}

describe('waiting for a job to end', () => {
  it('keeps each long poll on the run short-lived, so a long wait gathers no abort listeners (no MaxListenersExceededWarning)', async () => {
    const { env, signals, listeners } = clientWithOpenRun(5);
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      let reads = 0;
      const answer = await waitForEnd(env, 'job-1', async () => (++reads === 60 ? 'Succeeded' : undefined), { pollIntervalInMs: 5, runWatchLifetimeMs: 30 });
      expect(answer).toBe('Succeeded');
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    // About 300 ms of waiting, 60 long polls: one signal would have gathered them all.
    expect(signals.length).toBeGreaterThan(3);
    expect(Math.max(...listeners.values())).toBeLessThan(10);
    expect(signals.every((signal) => signal.aborted)).toBe(true);
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });

  it('reads the state again as soon as the run closes, without waiting for the poll interval', async () => {
    let closeRun: () => void = () => undefined;
    const client = {
      withAbortSignal: <R>(_signal: AbortSignal, fn: () => Promise<R>) => fn(),
      workflow: { getHandle: () => ({ result: () => new Promise<void>((resolve) => (closeRun = resolve)) }) },
    };
    const env = { client: async () => client } as unknown as BatchEnvironment;
    let reads = 0;
    const started = Date.now();
    const waiting = waitForEnd(env, 'job-2', async () => (++reads === 2 ? 'Completed' : undefined), { pollIntervalInMs: 60_000 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    closeRun();
    await expect(waiting).resolves.toBe('Completed');
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
