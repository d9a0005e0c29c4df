/**
 * JSON.stringify silently drops functions and symbols and throws on cycles
 * without saying where; a job's data must not lose values that way.
 * Throws a TypeError naming the path of the first value that is not JSON
 * (when `exact`, also an undefined, NaN or Infinity anywhere inside, which
 * JSON would drop or write as null: a job's inputs arrive as they were given).
 */
export function toStrictJson(value: unknown, root = 'value', options: { exact?: boolean } = {}): string {
  const seen = new Set<unknown>();
  const check = (item: unknown, path: string): void => {
    const kind = typeof item;
    if (kind === 'function' || kind === 'symbol' || kind === 'bigint') {
      throw new TypeError(`${root === path ? root : path} is a ${kind}, which is not JSON-serialisable`);
    }
    if (kind === 'number' && !Number.isFinite(item) && options.exact) {
      throw new TypeError(`${path} is ${String(item)}, which JSON would turn into null`);
    }
    if (kind === 'undefined' && options.exact) {
      throw new TypeError(`${path} is undefined, which JSON would turn into null or drop`);
    }
    if (item && kind === 'object') {
      if (seen.has(item)) throw new TypeError(`${path} refers back to itself, which is not JSON-serialisable`);
      seen.add(item);
      if (typeof (item as { toJSON?: unknown }).toJSON !== 'function') {
        for (const [key, child] of Object.entries(item as object)) check(child, Array.isArray(item) ? `${path}[${key}]` : `${path}.${key}`);
      }
      seen.delete(item);
    }
  };
  check(value, root);
  return JSON.stringify(value === undefined ? null : value);
}
