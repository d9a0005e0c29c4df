/** setTimeout caps delays at 2^31-1 ms (about 24.8 days) and fires at once beyond that; this re-arms instead. */
const MAX_DELAY = 2 ** 31 - 1;

export interface LongTimer {
  cancel(): void;
}

export function setLongTimeout(callback: () => void, delayMs: number): LongTimer {
  const due = Date.now() + Math.max(0, delayMs);
  let timer: NodeJS.Timeout;
  const arm = (): void => {
    const remaining = due - Date.now();
    timer = setTimeout(remaining > MAX_DELAY ? arm : callback, Math.min(Math.max(0, remaining), MAX_DELAY));
    timer.unref();
  };
  arm();
  return { cancel: () => clearTimeout(timer) };
}
