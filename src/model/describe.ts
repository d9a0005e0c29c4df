/** How error messages quote what they were given, one way for every field. */

/** A value as an error message quotes it back. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'bigint') return `${value}n (a BigInt)`;
  // JSON.stringify writes NaN and Infinity as null: quote them as they are.
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** One message for every way a field can be wrong: the wrong type and the wrong range read alike. */
export function saying(text: (got: string) => string) {
  return { error: (issue: { input?: unknown }) => text(describeValue(issue.input)) };
}
