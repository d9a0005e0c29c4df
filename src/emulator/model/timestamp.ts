/**
 * Batch's timestamps: ISO 8601 UTC with seven fractional digits (100 ns ticks), as in
 * `2016-09-06T06:59:15.1161429Z`. A Date holds milliseconds only, so the last four
 * digits come from the process's monotonic clock; two different moments within one
 * millisecond still format in the order they were taken, and formatting the same Date
 * object again gives the same text (a creation time and a state transition time taken
 * from one `now` stay equal, as Batch shows them).
 */

const formatted = new WeakMap<Date, string>();
let lastMs = -1;
let lastTicks = -1;

export function timestamp(date: Date = new Date()): string {
  const known = formatted.get(date);
  if (known !== undefined) return known;
  const ms = date.getTime();
  let ticks = Number((process.hrtime.bigint() / 100n) % 10_000n);
  if (ms === lastMs && ticks <= lastTicks) ticks = Math.min(lastTicks + 1, 9_999);
  lastMs = ms;
  lastTicks = ticks;
  const text = `${date.toISOString().slice(0, 23)}${String(ticks).padStart(4, '0')}Z`;
  formatted.set(date, text);
  return text;
}

/**
 * Any ISO 8601 date-time → the canonical seven-digit UTC form, so times compare exactly
 * (to the tick) as strings; undefined when the text is not a date-time.
 */
const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/;

export function canonicalTime(text: string): string | undefined {
  if (CANONICAL.test(text)) return text;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return undefined;
  const fraction = /T\d{2}:\d{2}(?::\d{2})?\.(\d+)/.exec(text)?.[1] ?? '';
  const subMs = (fraction + '0000000').slice(3, 7);
  return `${new Date(ms).toISOString().slice(0, 23)}${subMs}Z`;
}

/** A file time in milliseconds with a fraction (`stat.mtimeMs`) in Batch's form, to the tick. */
export function timestampOfMs(ms: number): string {
  const whole = Math.floor(ms);
  const ticks = Math.min(9_999, Math.floor((ms - whole) * 10_000));
  return `${new Date(whole).toISOString().slice(0, 23)}${String(ticks).padStart(4, '0')}Z`;
}
