import type { BatchEnvironment } from '../../../src/client/environment';
import { waitForEnd } from '../../../src/client/waitForEnd';

interface FakeRun {
  /** How the next history long poll ends: after `ms`, with the close event or empty (the server's poll timeout). */
  poll: () => { ms: number; closed: boolean };
}

/**
 * A Temporal client (a mock: no server runs in unit tests) whose history long
 * poll behaves as the SDK's request does: it adds an abort listener to the
 * signal set by withAbortSignal and never removes it.
 */
function fakeClient(run: FakeRun) {
  let current: AbortSignal | undefined;
  const listeners = new Map<AbortSignal, number>();
  let polls = 0;
  const client = {
    withAbortSignal: async <R>(signal: AbortSignal, fn: () => Promise<R>): Promise<R> => {
      current = signal;
      return fn();
    },
    workflowService: {
      getWorkflowExecutionHistory: () => {
        const signal = current!;
        polls++;
        listeners.set(signal, (listeners.get(signal) ?? 0) + 1);
        const { ms, closed } = run.poll();
        return new Promise((resolve, reject) => {
          const timer = setTimeout(() => resolve({ history: { events: closed ? [{}] : [] } }), ms);
          signal.addEventListener('abort', () => {
            clearTimeout(timer);
            reject(new Error('CANCELLED'));
          });
        });
      },
    },
  };
  const env = { client: async () => client, temporal: { namespace: 'default' } } as unknown as BatchEnvironment;
  return { env, listeners, polls: () => polls };
}

/** The most abort listeners any signal held at once while `run` ran (Node warns of a leak past ten). */
async function mostListenersDuring(run: () => Promise<unknown>): Promise<number> {
  const live = new Map<EventTarget, number>();
  let most = 0;
  const add = AbortSignal.prototype.addEventListener;
  const remove = AbortSignal.prototype.removeEventListener;
  const addSpy = jest.spyOn(AbortSignal.prototype, 'addEventListener').mockImplementation(function (this: AbortSignal, ...args: Parameters<typeof add>) {
    if (args[0] === 'abort') most = Math.max(most, live.set(this, (live.get(this) ?? 0) + 1).get(this)!);
    return add.apply(this, args);
  });
  const removeSpy = jest.spyOn(AbortSignal.prototype, 'removeEventListener').mockImplementation(function (this: AbortSignal, ...args: Parameters<typeof remove>) {
    if (args[0] === 'abort') live.set(this, (live.get(this) ?? 1) - 1);
    return remove.apply(this, args);
  });
  try {
    await run();
  } finally {
    addSpy.mockRestore();
    removeSpy.mockRestore();
  }
  return most;
}

describe('waiting for a job to end', () => {
  it('gives every long poll a signal of its own, so a long wait gathers no abort listeners (no MaxListenersExceededWarning)', async () => {
    const { env, listeners, polls } = fakeClient({ poll: () => ({ ms: 2, closed: false }) });
    const caller = new AbortController();
    let reads = 0;
    const most = await mostListenersDuring(async () => {
      const answer = await waitForEnd(env, 'job-1', async () => (++reads === 60 ? 'Succeeded' : undefined), { pollIntervalInMs: 50, abortSignal: caller.signal });
      expect(answer).toBe('Succeeded');
    });
    expect(polls()).toBeGreaterThan(30);
    expect(Math.max(...listeners.values())).toBe(1);
    expect(most).toBeLessThanOrEqual(3);
  });

  it('reads the state again as soon as the run closes, without waiting for the poll interval', async () => {
    const { env } = fakeClient({ poll: () => ({ ms: 20, closed: true }) });
    let reads = 0;
    const started = Date.now();
    await expect(waitForEnd(env, 'job-2', async () => (++reads === 2 ? 'Completed' : undefined), { pollIntervalInMs: 60_000 })).resolves.toBe('Completed');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('reads a closed run whose job has not ended once per interval, not in a tight loop', async () => {
    const { env, polls } = fakeClient({ poll: () => ({ ms: 0, closed: true }) });
    let reads = 0;
    const started = Date.now();
    await waitForEnd(env, 'job-3', async () => (++reads === 6 ? 'Failed' : undefined), { pollIntervalInMs: 40 });
    // Every other read waits out the interval: five reads before the sixth take at least two intervals.
    expect(Date.now() - started).toBeGreaterThanOrEqual(80);
    expect(polls()).toBeLessThanOrEqual(3);
  });

  it('stops at once when the caller aborts, with the signal\'s reason', async () => {
    const { env, listeners } = fakeClient({ poll: () => ({ ms: 60_000, closed: false }) });
    const caller = new AbortController();
    const waiting = waitForEnd(env, 'job-4', async () => undefined, { pollIntervalInMs: 60_000, abortSignal: caller.signal });
    setTimeout(() => caller.abort(), 20);
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    // The long poll it had open was cancelled with it.
    expect([...listeners.keys()].every((signal) => signal.aborted)).toBe(true);
  });
});
