import type { Condition } from './fixtureTypes';

/** Whether a JSON answer meets a poll condition (see `Condition`). */
export function meets(body: unknown, condition: Condition): boolean {
  return Object.entries(condition).every(([path, expected]) => holds(body, path.split('.'), expected));
}

function holds(value: unknown, segments: string[], expected: unknown): boolean {
  if (!segments.length) return value === expected;
  const [segment, ...rest] = segments;
  const record = value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  if (!record) return false;
  if (!segment.endsWith('[]')) return holds(record[segment], rest, expected);
  const items = record[segment.slice(0, -2)];
  if (!Array.isArray(items) || !items.length) return false;
  return rest.length ? items.every((item) => holds(item, rest, expected)) : expected === true;
}
