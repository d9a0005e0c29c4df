import type { Expression, Statement } from './ast';
import { FormulaEvaluationError, type Position } from './errors';
import { BUILTINS } from './functions';
import { sampleMethod } from './samples';
import { double, interval, text, timestampOf, truth, typeName, vector, type SampleSeries, type Value } from './values';

/** The service-defined variables a formula sets; the pool is resized to them after a run without error. */
export const WRITABLE = ['$TargetDedicatedNodes', '$TargetLowPriorityNodes', '$NodeDeallocationOption'] as const;

export const DEALLOCATION_OPTIONS = ['requeue', 'terminate', 'taskcompletion', 'retaineddata'];

const MS = { millisecond: 1, second: 1_000, minute: 60_000, hour: 3_600_000, day: 86_400_000 };
const TIME_INTERVALS: Record<string, number> = {
  TimeInterval_Zero: 0,
  TimeInterval_100ns: 0.0001,
  TimeInterval_Microsecond: 0.001,
  TimeInterval_Millisecond: MS.millisecond,
  TimeInterval_Second: MS.second,
  TimeInterval_Minute: MS.minute,
  TimeInterval_Hour: MS.hour,
  TimeInterval_Day: MS.day,
  TimeInterval_Week: 7 * MS.day,
  TimeInterval_Year: 365 * MS.day,
};

/** What a formula can read: the pool's current state, its metrics' samples, the time. */
export interface FormulaInputs {
  now: number;
  /** Start values of the writable variables: the pool's current targets and `requeue`. */
  targetDedicatedNodes: number;
  targetLowPriorityNodes: number;
  /** Read-only doubles: $CurrentDedicatedNodes, $CurrentLowPriorityNodes, $TaskSlotsPerNode, $UsableNodeCount, $PreemptedNodeCount. */
  doubles: Record<string, number>;
  /** Read-only metrics, read through their sample methods: $ActiveTasks, $PendingTasks, $CPUPercent … */
  samples: Record<string, SampleSeries>;
  random?: () => number;
}

export interface Evaluation {
  /** Every variable at the end (or where the run stopped), writable ones first. */
  variables: Array<[string, Value]>;
  error?: FormulaEvaluationError;
}

/** Runs the statements in order; an error stops the run where it happened. */
export function evaluate(statements: Statement[], inputs: FormulaInputs): Evaluation {
  const run = new Run(inputs);
  try {
    for (const statement of statements) {
      if (statement.kind === 'assignment') run.assign(statement.name, run.value(statement.expression), statement.at);
      else run.value(statement.expression);
      if (run.stopped) break;
    }
    run.checkWritable();
  } catch (error) {
    if (!(error instanceof FormulaEvaluationError)) throw error;
    return { variables: run.variables(), error };
  }
  return { variables: run.variables() };
}

class Run {
  stopped = false;
  private readonly writable = new Map<string, Value>();
  private readonly user = new Map<string, Value>();

  constructor(private readonly inputs: FormulaInputs) {
    this.writable.set('$TargetDedicatedNodes', double(inputs.targetDedicatedNodes));
    this.writable.set('$TargetLowPriorityNodes', double(inputs.targetLowPriorityNodes));
    this.writable.set('$NodeDeallocationOption', text('requeue'));
  }

  variables(): Array<[string, Value]> {
    return [...this.writable.entries(), ...this.user.entries()];
  }

  assign(name: string, value: Value, at: Position): void {
    if (name in this.inputs.doubles || name in this.inputs.samples) throw new FormulaEvaluationError(at, `${name} is a read-only service-defined variable`);
    if (value.type === 'samples') throw new FormulaEvaluationError(at, `${value.name} is a sample series; read it with GetSample(…)`);
    if ((WRITABLE as readonly string[]).includes(name)) this.writable.set(name, value);
    else this.user.set(name, value);
  }

  /** After the run: targets must be non-negative numbers and the deallocation option one Batch knows. */
  checkWritable(): void {
    const at = { line: 1, col: 1 };
    for (const name of ['$TargetDedicatedNodes', '$TargetLowPriorityNodes']) {
      const value = this.writable.get(name)!;
      if (value.type !== 'double' || !Number.isFinite(value.value) || value.value < 0) {
        throw new FormulaEvaluationError(at, `${name} must be a number of nodes ≥ 0, not ${value.type === 'double' ? value.value : typeName(value)}`);
      }
    }
    const option = this.writable.get('$NodeDeallocationOption')!;
    if (option.type !== 'string' || !DEALLOCATION_OPTIONS.includes(option.value.toLowerCase())) {
      throw new FormulaEvaluationError(at, `$NodeDeallocationOption must be one of ${DEALLOCATION_OPTIONS.join(', ')}`);
    }
  }

  value(expression: Expression): Value {
    const at = expression.at;
    switch (expression.kind) {
      case 'number':
        return double(expression.value);
      case 'string':
        return text(expression.value);
      case 'name':
        return this.lookup(expression.name, at);
      case 'unary':
        return this.unary(expression.operator, this.operand(expression.operand), at);
      case 'binary':
        return this.binary(expression.operator, expression.left, expression.right, at);
      case 'conditional': {
        const condition = this.operand(expression.condition);
        if (condition.type !== 'double') throw new FormulaEvaluationError(at, `The condition of ?: must be a double, not ${typeName(condition)}`);
        return this.value(condition.value !== 0 ? expression.then : expression.otherwise);
      }
      case 'call':
        return this.call(expression.name, expression.args, at);
      case 'method': {
        const target = this.value(expression.target);
        if (target.type !== 'samples') throw new FormulaEvaluationError(at, `${typeName(target)} has no method ${expression.name}`);
        return this.result(sampleMethod(target.series, target.name, expression.name, expression.args.map((arg) => this.operand(arg)), this.inputs.now), at);
      }
      case 'member':
        return this.member(this.operand(expression.target), expression.name, at);
    }
  }

  /** A value used in an operation: a sample series is not one (Batch wants GetSample). */
  private operand(expression: Expression): Value {
    const value = this.value(expression);
    if (value.type === 'samples') throw new FormulaEvaluationError(expression.at, `${value.name} is a sample series; read it with GetSample(…)`);
    return value;
  }

  private lookup(name: string, at: Position): Value {
    const found = this.writable.get(name) ?? this.user.get(name);
    if (found) return found;
    if (name in this.inputs.doubles) return double(this.inputs.doubles[name]);
    if (name in this.inputs.samples) return { type: 'samples', name, series: this.inputs.samples[name] };
    if (name in TIME_INTERVALS) return interval(TIME_INTERVALS[name]);
    if (DEALLOCATION_OPTIONS.includes(name.toLowerCase())) return text(name.toLowerCase());
    throw new FormulaEvaluationError(at, `Undefined symbol: ${name}`);
  }

  private call(name: string, args: Expression[], at: Position): Value {
    if (name === 'stop') {
      if (args.length) throw new FormulaEvaluationError(at, 'stop takes no argument');
      this.stopped = true;
      return double(0);
    }
    const builtin = BUILTINS[name];
    if (!builtin) throw new FormulaEvaluationError(at, `Undefined function: ${name}`);
    return this.result(builtin(args.map((arg) => this.operand(arg)), { now: this.inputs.now, random: this.inputs.random ?? Math.random }), at);
  }

  private result(outcome: Value | string, at: Position): Value {
    if (typeof outcome === 'string') throw new FormulaEvaluationError(at, outcome);
    return outcome;
  }

  private member(target: Value, name: string, at: Position): Value {
    if (target.type !== 'timestamp') throw new FormulaEvaluationError(at, `${typeName(target)} has no member ${name}`);
    const date = new Date(target.ms);
    const parts: Record<string, number> = {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      weekday: date.getUTCDay(),
      hour: date.getUTCHours(),
      minute: date.getUTCMinutes(),
      second: date.getUTCSeconds(),
    };
    if (!(name in parts)) throw new FormulaEvaluationError(at, `A timestamp has no member ${name} (year, month, day, weekday, hour, minute, second)`);
    return double(parts[name]);
  }

  private unary(operator: '-' | '!', operand: Value, at: Position): Value {
    if (operator === '!') {
      if (operand.type !== 'double') throw new FormulaEvaluationError(at, `! applies to a double, not ${typeName(operand)}`);
      return truth(operand.value === 0);
    }
    if (operand.type === 'double') return double(-operand.value);
    if (operand.type === 'doubleVec') return vector(operand.values.map((x) => -x));
    if (operand.type === 'timeinterval') return interval(-operand.ms);
    throw new FormulaEvaluationError(at, `- applies to a double, doubleVec or timeinterval, not ${typeName(operand)}`);
  }

  private binary(operator: string, leftExpression: Expression, rightExpression: Expression, at: Position): Value {
    const left = this.operand(leftExpression);
    if (operator === '&&' || operator === '||') {
      if (left.type !== 'double') throw new FormulaEvaluationError(at, `${operator} applies to doubles, not ${typeName(left)}`);
      if (operator === '&&' ? left.value === 0 : left.value !== 0) return truth(operator === '||');
      const right = this.operand(rightExpression);
      if (right.type !== 'double') throw new FormulaEvaluationError(at, `${operator} applies to doubles, not ${typeName(right)}`);
      return truth(right.value !== 0);
    }
    const right = this.operand(rightExpression);
    const outcome = combine(operator, left, right);
    if (!outcome) throw new FormulaEvaluationError(at, `${operator} does not apply to ${typeName(left)} and ${typeName(right)}`);
    return outcome;
  }
}

const ARITHMETIC: Record<string, (a: number, b: number) => number> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '%': (a, b) => a % b,
};
const COMPARISON: Record<string, (a: number, b: number) => boolean> = {
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

/** The operations Batch's formula types allow; undefined where a pair of types has none. */
function combine(operator: string, left: Value, right: Value): Value | undefined {
  const compare = COMPARISON[operator];
  const arithmetic = ARITHMETIC[operator];
  if (compare) {
    if (left.type === 'double' && right.type === 'double') return truth(compare(left.value, right.value));
    if ((left.type === 'timeinterval' || left.type === 'timestamp') && left.type === right.type) return truth(compare(left.ms, right.ms));
    if (left.type === 'string' && right.type === 'string' && (operator === '==' || operator === '!=')) return truth((left.value === right.value) === (operator === '=='));
    return undefined;
  }
  if (!arithmetic) return undefined;
  if (left.type === 'double' && right.type === 'double') return double(arithmetic(left.value, right.value));
  if (left.type === 'doubleVec' && right.type === 'double') return vector(left.values.map((x) => arithmetic(x, right.value)));
  if (left.type === 'double' && right.type === 'doubleVec') return vector(right.values.map((x) => arithmetic(left.value, x)));
  if (left.type === 'doubleVec' && right.type === 'doubleVec' && left.values.length === right.values.length) {
    return vector(left.values.map((x, i) => arithmetic(x, right.values[i])));
  }
  if (left.type === 'timeinterval' && right.type === 'timeinterval') {
    if (operator === '+' || operator === '-') return interval(arithmetic(left.ms, right.ms));
    if (operator === '/') return double(left.ms / right.ms);
    return undefined;
  }
  if (left.type === 'timeinterval' && right.type === 'double' && (operator === '*' || operator === '/')) return interval(arithmetic(left.ms, right.value));
  if (left.type === 'double' && right.type === 'timeinterval' && operator === '*') return interval(left.value * right.ms);
  if (left.type === 'timestamp' && right.type === 'timeinterval' && (operator === '+' || operator === '-')) return timestampOf(arithmetic(left.ms, right.ms));
  if (left.type === 'timeinterval' && right.type === 'timestamp' && operator === '+') return timestampOf(left.ms + right.ms);
  if (left.type === 'timestamp' && right.type === 'timestamp' && operator === '-') return interval(left.ms - right.ms);
  return undefined;
}
