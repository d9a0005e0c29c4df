export interface WaitForOptions {
  timeoutMs?: number;
  /** Named in the timeout error. */
  what?: string;
  intervalMs?: number;
  /** Keep polling when the probe throws (a service is restarting); the last error is reported at the deadline. */
  tolerateErrors?: boolean;
}

/**
 * The tests' one way to wait: polls `probe` until `done` holds or the deadline
 * passes, then fails saying what it waited for and what it last saw. Never a
 * fixed sleep. The third argument is the options, or just the timeout.
 */
export async function waitFor<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  optionsOrTimeoutMs: WaitForOptions | number = {},
  what?: string,
  intervalMs?: number,
): Promise<T> {
  const options = typeof optionsOrTimeoutMs === 'number' ? { timeoutMs: optionsOrTimeoutMs, what, intervalMs } : optionsOrTimeoutMs;
  const { timeoutMs = 15_000, tolerateErrors = false } = options;
  const label = options.what ?? 'condition';
  const interval = options.intervalMs ?? 25;
  const deadline = Date.now() + timeoutMs;
  let last: { value?: T; error?: unknown } = {};
  for (;;) {
    try {
      const value = await probe();
      if (done(value)) return value;
      last = { value };
    } catch (error) {
      if (!tolerateErrors) throw error;
      last = { error };
    }
    if (Date.now() > deadline) {
      const seen = 'error' in last ? `last error: ${(last.error as Error)?.message ?? String(last.error)}` : `last value: ${JSON.stringify(last.value)}`;
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${label}; ${seen}`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
