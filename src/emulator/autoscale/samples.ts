import type { SampleSeries, Value } from './values';
import { double, interval, timestampOf, vector } from './values';

/**
 * The methods a service-defined metric offers, as Batch documents them: `GetSample(count)`,
 * `GetSample(interval[, percent])`, `GetSample(start, end[, percent])` (most recent sample first),
 * `GetSamplePercent(interval | start, end)`, `Count()`, `GetSamplePeriod()`, `HistoryBeginTime()`.
 * A problem is returned as a message; the evaluator places it in the formula.
 */
export function sampleMethod(series: SampleSeries, name: string, method: string, args: Value[], now: number): Value | string {
  switch (method) {
    case 'GetSample':
      return getSample(series, name, args, now);
    case 'GetSamplePercent': {
      const window = windowOf(args, now);
      if (typeof window === 'string' || window.percent !== undefined) return typeof window === 'string' ? window : 'GetSamplePercent takes a time interval, or a start and an end interval';
      return double(percentAvailable(series, window.from, window.to));
    }
    case 'Count':
      return args.length ? 'Count takes no argument' : double(series.samples.length);
    case 'GetSamplePeriod':
      return args.length ? 'GetSamplePeriod takes no argument' : interval(series.periodMs);
    case 'HistoryBeginTime':
      if (args.length) return 'HistoryBeginTime takes no argument';
      return series.samples.length ? timestampOf(series.samples[0].time) : `${name} has no samples yet`;
    default:
      return `${name} has no method ${method}`;
  }
}

function getSample(series: SampleSeries, name: string, args: Value[], now: number): Value | string {
  if (args.length === 1 && args[0].type === 'double') {
    const count = Math.floor(args[0].value);
    if (count < 1) return 'GetSample needs a count of at least 1';
    if (series.samples.length < count) return `${name} has ${series.samples.length} sample(s), fewer than the ${count} asked for`;
    return vector(series.samples.slice(-count).reverse().map((sample) => sample.value));
  }
  const window = windowOf(args, now);
  if (typeof window === 'string') return window;
  const available = percentAvailable(series, window.from, window.to);
  if (window.percent !== undefined && available < window.percent) {
    return `${name} has samples for ${available.toFixed(0)}% of the time asked for, less than the ${window.percent}% required`;
  }
  return vector(inWindow(series, window.from, window.to).reverse().map((sample) => sample.value));
}

interface Window {
  from: number;
  to: number;
  percent?: number;
}

/** `(interval[, percent])` looks back from now; `(start, end[, percent])` from now − start to now − end. */
function windowOf(args: Value[], now: number): Window | string {
  const [first, second, third] = args;
  if (first?.type !== 'timeinterval') return 'a time interval is expected (e.g. TimeInterval_Minute * 5)';
  if (second?.type === 'timeinterval') {
    if (args.length > 3 || (third && third.type !== 'double')) return 'the third argument must be a percentage';
    return { from: now - first.ms, to: now - second.ms, percent: third?.type === 'double' ? third.value : undefined };
  }
  if (args.length > 2 || (second && second.type !== 'double')) return 'the second argument must be a time interval or a percentage';
  return { from: now - first.ms, to: now, percent: second?.type === 'double' ? second.value : undefined };
}

function inWindow(series: SampleSeries, from: number, to: number): Array<{ time: number; value: number }> {
  return series.samples.filter((sample) => sample.time > from && sample.time <= to);
}

function percentAvailable(series: SampleSeries, from: number, to: number): number {
  const expected = Math.max(1, Math.floor((to - from) / series.periodMs));
  return Math.min(100, (100 * inWindow(series, from, to).length) / expected);
}
