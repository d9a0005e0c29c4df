import { formatDuration } from '../protocol/durations';

/** One series of a service-defined metric, sampled every `periodMs`; samples oldest first. */
export interface SampleSeries {
  periodMs: number;
  samples: Array<{ time: number; value: number }>;
}

/** The formula language's values: Batch's double, doubleVec, string, timestamp, timeinterval, and a metric's samples. */
export type Value =
  | { type: 'double'; value: number }
  | { type: 'doubleVec'; values: number[] }
  | { type: 'string'; value: string }
  | { type: 'timestamp'; ms: number }
  | { type: 'timeinterval'; ms: number }
  | { type: 'samples'; name: string; series: SampleSeries };

export const double = (value: number): Value => ({ type: 'double', value });
export const vector = (values: number[]): Value => ({ type: 'doubleVec', values });
export const interval = (ms: number): Value => ({ type: 'timeinterval', ms });
export const timestampOf = (ms: number): Value => ({ type: 'timestamp', ms });
export const text = (value: string): Value => ({ type: 'string', value });
export const truth = (condition: boolean): Value => double(condition ? 1 : 0);

/** How a variable's value is written in `autoScaleRun.results`. */
export function formatValue(value: Value): string {
  switch (value.type) {
    case 'double':
      return formatNumber(value.value);
    case 'doubleVec':
      return `[${value.values.map(formatNumber).join(',')}]`;
    case 'string':
      return value.value;
    case 'timestamp':
      return new Date(value.ms).toISOString();
    case 'timeinterval':
      return formatDuration(value.ms);
    case 'samples':
      return value.name;
  }
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  return String(value);
}

export function typeName(value: Value): string {
  return value.type === 'samples' ? 'a sample series' : value.type;
}
