import type { Value } from './values';
import { double, timestampOf, vector } from './values';

/** What a built-in function needs besides its arguments. */
export interface CallContext {
  now: number;
  random: () => number;
}

type Builtin = (args: Value[], context: CallContext) => Value | string;

/** A doubleVecList: any number of doubles and doubleVecs, read as one list of numbers. */
function numbers(args: Value[], name: string): number[] | string {
  const list: number[] = [];
  for (const arg of args) {
    if (arg.type === 'double') list.push(arg.value);
    else if (arg.type === 'doubleVec') list.push(...arg.values);
    else return `${name} takes doubles and doubleVecs, not ${arg.type}`;
  }
  return list;
}

/** A function of a non-empty doubleVecList to a double. */
const ofList =
  (name: string, reduce: (list: number[]) => number, allowEmpty = false): Builtin =>
  (args) => {
    const list = numbers(args, name);
    if (typeof list === 'string') return list;
    if (!list.length && !allowEmpty) return `${name} of an empty list`;
    return double(reduce(list));
  };

/** A function applied to a double, or to each element of a doubleVec. */
const elementwise =
  (name: string, apply: (x: number) => number): Builtin =>
  (args) => {
    if (args.length !== 1) return `${name} takes one argument`;
    const [arg] = args;
    if (arg.type === 'double') return double(apply(arg.value));
    if (arg.type === 'doubleVec') return vector(arg.values.map(apply));
    return `${name} takes a double or a doubleVec, not ${arg.type}`;
  };

const mean = (list: number[]): number => list.reduce((sum, x) => sum + x, 0) / list.length;

export const BUILTINS: Record<string, Builtin> = {
  avg: ofList('avg', mean),
  sum: ofList('sum', (list) => list.reduce((total, x) => total + x, 0), true),
  max: ofList('max', (list) => Math.max(...list)),
  min: ofList('min', (list) => Math.min(...list)),
  len: ofList('len', (list) => list.length, true),
  count: ofList('count', (list) => list.length, true),
  range: ofList('range', (list) => Math.max(...list) - Math.min(...list)),
  norm: ofList('norm', (list) => Math.sqrt(list.reduce((total, x) => total + x * x, 0)), true),
  std: ofList('std', (list) => {
    const average = mean(list);
    return Math.sqrt(list.reduce((total, x) => total + (x - average) ** 2, 0) / list.length);
  }),
  lg: elementwise('lg', Math.log2),
  ln: elementwise('ln', Math.log),
  log: elementwise('log', Math.log10),
  ceil: elementwise('ceil', Math.ceil),
  floor: elementwise('floor', Math.floor),
  round: elementwise('round', Math.round),
  abs: elementwise('abs', Math.abs),
  sqrt: elementwise('sqrt', Math.sqrt),
  pow: (args) => {
    if (args.length !== 2 || args[0].type !== 'double' || args[1].type !== 'double') return 'pow takes two doubles';
    return double(args[0].value ** args[1].value);
  },
  percentile: (args) => {
    const [values, p] = args;
    if (args.length !== 2 || values.type !== 'doubleVec' || p.type !== 'double') return 'percentile takes a doubleVec and a percentage';
    if (!values.values.length) return 'percentile of an empty list';
    if (p.value < 0 || p.value > 100) return 'the percentile must be from 0 to 100';
    const sorted = [...values.values].sort((a, b) => a - b);
    return double(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p.value / 100) * sorted.length) - 1))]);
  },
  val: (args) => {
    const [values, index] = args;
    if (args.length !== 2 || values.type !== 'doubleVec' || index.type !== 'double') return 'val takes a doubleVec and an index';
    const i = Math.floor(index.value);
    if (i < 0 || i >= values.values.length) return `index ${i} is outside the doubleVec of ${values.values.length}`;
    return double(values.values[i]);
  },
  rand: (args, context) => (args.length ? 'rand takes no argument' : double(context.random())),
  time: (args, context) => {
    if (!args.length) return timestampOf(context.now);
    const [arg] = args;
    if (args.length !== 1 || arg.type !== 'string') return 'time takes one date and time string';
    const ms = Date.parse(arg.value);
    return Number.isNaN(ms) ? `'${arg.value}' is not a date and time` : timestampOf(ms);
  },
};
