import { ErrorFactory } from '../errors/errorFactory';
import { canonicalTime } from '../model/timestamp';

/**
 * The subset of OData `$filter` that Batch documents for list operations:
 * comparisons (`eq ne gt ge lt le`) of a property with a literal, `and`, `or`,
 * `not`, parentheses and `startswith(property, 'text')`. Literals: 'strings'
 * (with '' for a quote), numbers, true/false, null and datetime'…'. An enum
 * property compared with a value Batch does not define is refused, as Batch does.
 * Times compare to the tick (seven fractional digits), as their canonical text.
 */

export type PropertyType = 'string' | 'datetime' | 'number' | 'boolean' | { enum: readonly string[] };
/** Filterable properties of one entity, by their path (`executionInfo/exitCode`). */
export type FilterableProperties = Record<string, PropertyType>;

type Literal = string | number | boolean | null;
type Node =
  | { kind: 'compare'; property: string; type: PropertyType; op: Operator; value: Literal }
  | { kind: 'startswith'; property: string; prefix: string }
  | { kind: 'and' | 'or'; left: Node; right: Node }
  | { kind: 'not'; operand: Node };
type Operator = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
const OPERATORS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);

export type FilterPredicate = (entity: Record<string, unknown>) => boolean;

export function compileFilter(text: string, properties: FilterableProperties): FilterPredicate {
  return parseFilter(text, properties).matches;
}

/** The smallest value a property can have in any entity the filter matches. */
export interface LowerBound {
  value: Literal;
  inclusive: boolean;
}

export interface CompiledFilter {
  matches: FilterPredicate;
  /** What the filter implies about `property` (`… ge X and …`), so a list can start from an index; undefined when nothing. */
  lowerBound(property: string): LowerBound | undefined;
}

export function parseFilter(text: string, properties: FilterableProperties): CompiledFilter {
  const node = new Parser(text, properties).parse();
  return { matches: (entity) => evaluate(node, entity), lowerBound: (property) => lowerBoundOf(node, property) };
}

function lowerBoundOf(node: Node, property: string): LowerBound | undefined {
  switch (node.kind) {
    case 'compare':
      if (node.property !== property || node.value === null || !['gt', 'ge', 'eq'].includes(node.op)) return undefined;
      return { value: node.value, inclusive: node.op !== 'gt' };
    case 'and': {
      // Both sides must hold, so the higher bound applies.
      const left = lowerBoundOf(node.left, property);
      const right = lowerBoundOf(node.right, property);
      if (!left || !right) return left ?? right;
      return left.value! > right.value! || (left.value === right.value && !left.inclusive) ? left : right;
    }
    case 'or': {
      // Either side may hold, so only a bound both sides have applies: the lower one.
      const left = lowerBoundOf(node.left, property);
      const right = lowerBoundOf(node.right, property);
      if (!left || !right) return undefined;
      return left.value! < right.value! || (left.value === right.value && left.inclusive) ? left : right;
    }
    default:
      return undefined;
  }
}

type Token = { type: 'word' | 'string' | 'number' | 'datetime' | 'punct'; text: string; position: number };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i];
    if (/\s/.test(char)) {
      i++;
    } else if (char === '(' || char === ')' || char === ',') {
      tokens.push({ type: 'punct', text: char, position: i++ });
    } else if (char === "'") {
      const { value, end } = readQuoted(text, i);
      tokens.push({ type: 'string', text: value, position: i });
      i = end;
    } else if (/[-0-9]/.test(char)) {
      const match = /^-?\d+(\.\d+)?([eE][-+]?\d+)?/.exec(text.slice(i));
      if (!match) throw new FilterSyntaxError(`unexpected '${char}' at position ${i}`);
      tokens.push({ type: 'number', text: match[0], position: i });
      i += match[0].length;
    } else if (/[A-Za-z_$]/.test(char)) {
      const match = /^[A-Za-z_$][A-Za-z0-9_$]*(\/[A-Za-z_$][A-Za-z0-9_$]*)*/.exec(text.slice(i))!;
      if (match[0] === 'datetime' && text[i + match[0].length] === "'") {
        const { value, end } = readQuoted(text, i + match[0].length);
        tokens.push({ type: 'datetime', text: value, position: i });
        i = end;
      } else {
        tokens.push({ type: 'word', text: match[0], position: i });
        i += match[0].length;
      }
    } else {
      throw new FilterSyntaxError(`unexpected '${char}' at position ${i}`);
    }
  }
  return tokens;
}

function readQuoted(text: string, start: number): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === "'") {
      if (text[i + 1] === "'") {
        value += "'";
        i += 2;
        continue;
      }
      return { value, end: i + 1 };
    }
    value += text[i++];
  }
  throw new FilterSyntaxError(`unterminated string starting at position ${start}`);
}

class FilterSyntaxError extends Error {}

class Parser {
  private tokens: Token[] = [];
  private position = 0;

  constructor(private readonly text: string, private readonly properties: FilterableProperties) {}

  parse(): Node {
    try {
      this.tokens = tokenize(this.text);
      if (this.tokens.length === 0) throw new FilterSyntaxError('the filter is empty');
      const node = this.parseOr();
      if (this.position < this.tokens.length) throw new FilterSyntaxError(`unexpected '${this.tokens[this.position].text}' at position ${this.tokens[this.position].position}`);
      return node;
    } catch (error) {
      if (error instanceof FilterSyntaxError) throw ErrorFactory.invalidQueryParameterValue('$filter', this.text, `The filter is not valid: ${error.message}.`);
      throw error;
    }
  }

  private peekWord(word: string): boolean {
    const token = this.tokens[this.position];
    return token?.type === 'word' && token.text.toLowerCase() === word;
  }

  private expect(text: string): void {
    const token = this.tokens[this.position];
    if (!token || token.text !== text) throw new FilterSyntaxError(`expected '${text}'${token ? ` at position ${token.position}` : ' at the end'}`);
    this.position++;
  }

  private parseOr(): Node {
    let left = this.parseAnd();
    while (this.peekWord('or')) {
      this.position++;
      left = { kind: 'or', left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): Node {
    let left = this.parseUnary();
    while (this.peekWord('and')) {
      this.position++;
      left = { kind: 'and', left, right: this.parseUnary() };
    }
    return left;
  }

  private parseUnary(): Node {
    if (this.peekWord('not')) {
      this.position++;
      return { kind: 'not', operand: this.parseUnary() };
    }
    const token = this.tokens[this.position];
    if (!token) throw new FilterSyntaxError('the filter ends too early');
    if (token.text === '(') {
      this.position++;
      const inner = this.parseOr();
      this.expect(')');
      return inner;
    }
    if (token.type === 'word' && token.text.toLowerCase() === 'startswith' && this.tokens[this.position + 1]?.text === '(') {
      this.position += 2;
      const property = this.parseProperty();
      this.expect(',');
      const literal = this.tokens[this.position++];
      if (literal?.type !== 'string') throw new FilterSyntaxError('startswith needs a quoted string as its second argument');
      this.expect(')');
      if (this.tokens[this.position] && OPERATORS.has(this.tokens[this.position].text.toLowerCase())) {
        // `startswith(id, 'a') eq true` is valid OData too.
        const op = this.tokens[this.position++].text.toLowerCase();
        const value = this.tokens[this.position++];
        if (value?.type !== 'word' || !['true', 'false'].includes(value.text)) throw new FilterSyntaxError('startswith(...) can only be compared with true or false');
        const node: Node = { kind: 'startswith', property, prefix: literal.text };
        return (op === 'eq') === (value.text === 'true') ? node : { kind: 'not', operand: node };
      }
      return { kind: 'startswith', property, prefix: literal.text };
    }
    const property = this.parseProperty();
    const opToken = this.tokens[this.position++];
    if (!opToken || !OPERATORS.has(opToken.text.toLowerCase())) {
      throw new FilterSyntaxError(`expected a comparison operator (eq, ne, gt, ge, lt, le) after '${property}'`);
    }
    const type = this.properties[property];
    const value = this.parseLiteral(property, type);
    return { kind: 'compare', property, type, op: opToken.text.toLowerCase() as Operator, value };
  }

  private parseProperty(): string {
    const token = this.tokens[this.position++];
    if (token?.type !== 'word') throw new FilterSyntaxError(`expected a property name${token ? ` at position ${token.position}` : ''}`);
    const known = Object.keys(this.properties).find((name) => name.toLowerCase() === token.text.toLowerCase());
    if (!known) throw new FilterSyntaxError(`'${token.text}' is not a property that can be filtered on; use one of ${Object.keys(this.properties).join(', ')}`);
    return known;
  }

  private parseLiteral(property: string, type: PropertyType): Literal {
    const token = this.tokens[this.position++];
    if (!token) throw new FilterSyntaxError(`expected a value to compare '${property}' with`);
    if (token.type === 'word' && token.text === 'null') return null;
    if (typeof type === 'object') {
      if (token.type !== 'string') throw new FilterSyntaxError(`'${property}' must be compared with a quoted string`);
      const value = token.text.toLowerCase();
      if (!type.enum.includes(value)) throw new FilterSyntaxError(`'${token.text}' is not a value of '${property}'; it is one of ${type.enum.join(', ')}`);
      return value;
    }
    switch (type) {
      case 'string':
        if (token.type !== 'string') throw new FilterSyntaxError(`'${property}' must be compared with a quoted string`);
        return token.text;
      case 'number':
        if (token.type !== 'number') throw new FilterSyntaxError(`'${property}' must be compared with a number`);
        return Number(token.text);
      case 'boolean':
        if (token.type !== 'word' || !['true', 'false'].includes(token.text)) throw new FilterSyntaxError(`'${property}' must be compared with true or false`);
        return token.text === 'true';
      case 'datetime': {
        if (token.type !== 'datetime' && token.type !== 'string') throw new FilterSyntaxError(`'${property}' must be compared with datetime'…'`);
        const time = Number.isNaN(Date.parse(token.text)) ? undefined : canonicalTime(token.text);
        if (time === undefined) throw new FilterSyntaxError(`'${token.text}' is not a valid date and time`);
        return time;
      }
    }
  }
}

function evaluate(node: Node, entity: Record<string, unknown>): boolean {
  switch (node.kind) {
    case 'and':
      return evaluate(node.left, entity) && evaluate(node.right, entity);
    case 'or':
      return evaluate(node.left, entity) || evaluate(node.right, entity);
    case 'not':
      return !evaluate(node.operand, entity);
    case 'startswith': {
      const value = lookup(entity, node.property);
      return typeof value === 'string' && value.toLowerCase().startsWith(node.prefix.toLowerCase());
    }
    case 'compare':
      return compare(normalize(lookup(entity, node.property), node.type), node.op, node.value);
  }
}

function lookup(entity: Record<string, unknown>, path: string): unknown {
  let value: unknown = entity;
  for (const part of path.split('/')) {
    if (!value || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function normalize(value: unknown, type: PropertyType): Literal {
  if (value === undefined || value === null) return null;
  if (type === 'datetime' && typeof value === 'string') return canonicalTime(value) ?? null;
  if (typeof type === 'object' && typeof value === 'string') return value.toLowerCase();
  return value as Literal;
}

function compare(left: Literal, op: Operator, right: Literal): boolean {
  if (left === null || right === null) {
    if (op === 'eq') return left === right;
    if (op === 'ne') return left !== right;
    return false;
  }
  const a = left;
  const b = right;
  switch (op) {
    case 'eq':
      return a === b;
    case 'ne':
      return a !== b;
    case 'gt':
      return a > b;
    case 'ge':
      return a >= b;
    case 'lt':
      return a < b;
    case 'le':
      return a <= b;
  }
}

const TASK_STATES = { enum: ['active', 'preparing', 'running', 'completed'] } as const;
const TASK_RESULTS = { enum: ['success', 'failure'] } as const;
const JOB_STATES = { enum: ['active', 'disabling', 'disabled', 'enabling', 'terminating', 'completed', 'deleting'] } as const;
const NODE_STATES = {
  enum: ['idle', 'rebooting', 'reimaging', 'running', 'unusable', 'creating', 'starting', 'waitingforstarttask', 'starttaskfailed', 'unknown', 'leavingpool', 'offline', 'preempted', 'upgradingos'],
} as const;

export const TASK_FILTER: FilterableProperties = {
  id: 'string',
  displayName: 'string',
  commandLine: 'string',
  state: TASK_STATES,
  previousState: TASK_STATES,
  creationTime: 'datetime',
  lastModified: 'datetime',
  stateTransitionTime: 'datetime',
  previousStateTransitionTime: 'datetime',
  requiredSlots: 'number',
  'executionInfo/exitCode': 'number',
  'executionInfo/result': TASK_RESULTS,
  'executionInfo/startTime': 'datetime',
  'executionInfo/endTime': 'datetime',
  'executionInfo/retryCount': 'number',
  'executionInfo/requeueCount': 'number',
  'executionInfo/failureInfo/code': 'string',
  'nodeInfo/nodeId': 'string',
  'nodeInfo/poolId': 'string',
};

export const JOB_FILTER: FilterableProperties = {
  id: 'string',
  displayName: 'string',
  state: JOB_STATES,
  previousState: JOB_STATES,
  priority: 'number',
  creationTime: 'datetime',
  lastModified: 'datetime',
  stateTransitionTime: 'datetime',
  previousStateTransitionTime: 'datetime',
  onAllTasksComplete: { enum: ['noaction', 'terminatejob'] },
  onTaskFailure: { enum: ['noaction', 'performexitoptionsjobaction'] },
  'poolInfo/poolId': 'string',
  'executionInfo/startTime': 'datetime',
  'executionInfo/endTime': 'datetime',
  'executionInfo/poolId': 'string',
  'executionInfo/terminateReason': 'string',
};

const NODE_TASK_STATES = { enum: ['running', 'completed'] } as const;
const NODE_TASK_RESULTS = { enum: ['success', 'failure'] } as const;

/** List job preparation and release task status. */
export const JOB_NODE_TASKS_FILTER: FilterableProperties = {
  poolId: 'string',
  nodeId: 'string',
  'jobPreparationTaskExecutionInfo/state': NODE_TASK_STATES,
  'jobPreparationTaskExecutionInfo/result': NODE_TASK_RESULTS,
  'jobPreparationTaskExecutionInfo/exitCode': 'number',
  'jobPreparationTaskExecutionInfo/startTime': 'datetime',
  'jobPreparationTaskExecutionInfo/endTime': 'datetime',
  'jobReleaseTaskExecutionInfo/state': NODE_TASK_STATES,
  'jobReleaseTaskExecutionInfo/result': NODE_TASK_RESULTS,
  'jobReleaseTaskExecutionInfo/exitCode': 'number',
  'jobReleaseTaskExecutionInfo/startTime': 'datetime',
  'jobReleaseTaskExecutionInfo/endTime': 'datetime',
};

export const POOL_FILTER: FilterableProperties = {
  id: 'string',
  displayName: 'string',
  state: { enum: ['active', 'deleting'] },
  allocationState: { enum: ['steady', 'resizing', 'stopping'] },
  vmSize: 'string',
  creationTime: 'datetime',
  lastModified: 'datetime',
  stateTransitionTime: 'datetime',
  allocationStateTransitionTime: 'datetime',
  currentDedicatedNodes: 'number',
  targetDedicatedNodes: 'number',
  taskSlotsPerNode: 'number',
};

export const NODE_FILTER: FilterableProperties = {
  id: 'string',
  state: NODE_STATES,
  schedulingState: { enum: ['enabled', 'disabled'] },
  vmSize: 'string',
  isDedicated: 'boolean',
  ipAddress: 'string',
  stateTransitionTime: 'datetime',
  runningTasksCount: 'number',
  runningTaskSlotsCount: 'number',
  totalTasksRun: 'number',
};

export const FILE_FILTER: FilterableProperties = {
  name: 'string',
  isDirectory: 'boolean',
};
