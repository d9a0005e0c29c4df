import type { z } from 'zod';
import { ErrorFactory } from '../errors/errorFactory';
import type { BatchServiceError } from '../errors/batchError';

/**
 * How deeply objects and arrays may nest in a request body. Batch's deepest request
 * model nests about ten levels; anything far deeper is refused before it is parsed,
 * so no recursion (JSON.parse, validation) can run out of stack.
 */
export const MAX_BODY_DEPTH = 64;

/** Parses a request body as JSON; `null` leaves are dropped as Batch treats them as absent. */
export function parseJsonBody(body: Buffer): unknown {
  const text = body.toString('utf8');
  if (text.trim() === '') throw ErrorFactory.invalidRequestBody('The request body is empty.');
  const depth = nestingDepth(text);
  if (depth > MAX_BODY_DEPTH) {
    throw ErrorFactory.invalidRequestBody(`The request body nests objects and arrays ${depth} levels deep; at most ${MAX_BODY_DEPTH} are allowed.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw ErrorFactory.invalidRequestBody(`The request body is not valid JSON: ${(error as Error).message}`);
  }
  return dropNulls(parsed);
}

/** Like `parseJsonBody`, but an empty body is an empty object (optional bodies such as terminate). */
export function parseOptionalJsonBody(body: Buffer): unknown {
  return body.toString('utf8').trim() === '' ? {} : parseJsonBody(body);
}

/** The deepest bracket nesting in JSON text, strings skipped; one pass, no recursion. */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c) i++;
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x7b || char === 0x5b) deepest = Math.max(deepest, ++depth);
    else if (char === 0x7d || char === 0x5d) depth--;
  }
  return deepest;
}

function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (value && typeof value === 'object') {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) if (item !== null) result[key] = dropNulls(item);
    return result;
  }
  return value;
}

/** Validates with a schema and turns the first problem into the Batch error a client would get. */
export function validateBody<T extends z.ZodType>(schema: T, value: unknown, typeName: string, prefix = ''): z.infer<T> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw ErrorFactory.invalidRequestBody(`The request body must be a JSON object of type '${typeName}'.`);
  }
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  throw toBatchError(result.error.issues[0], typeName, prefix);
}

type Issue = z.core.$ZodIssue;

function toBatchError(issue: Issue, typeName: string, prefix: string): BatchServiceError {
  const name = prefix + propertyPath(issue.path);
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return ErrorFactory.missingRequiredProperty(name);
      return ErrorFactory.invalidRequestBody(`The value of '${name}' must be of type ${issue.expected}, not ${describe(issue.input)}.`, name);
    case 'unrecognized_keys': {
      const key = issue.keys[0];
      const full = name ? `${name}.${key}` : key;
      return ErrorFactory.invalidRequestBody(`The property '${full}' does not exist on type '${typeName}'.`, full);
    }
    case 'invalid_value':
      return ErrorFactory.invalidPropertyValue(name, String(issue.input), `Allowed values are: ${issue.values.map(String).join(', ')}.`);
    default:
      return ErrorFactory.invalidPropertyValue(name, issue.input === undefined ? '' : printable(issue.input), issue.message);
  }
}

export function propertyPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text ? `.${String(part)}` : String(part);
  }
  return text;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function printable(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
