let counter = 0;

/** An opaque ETag in Batch's style (`0x8D4EDFEBFADF4AB`), unique per change. */
export function newETag(now: Date): string {
  counter = (counter + 1) % 10_000;
  const ticks = BigInt(now.getTime()) * 10_000n + 621_355_968_000_000_000n + BigInt(counter);
  return `0x${ticks.toString(16).toUpperCase()}`;
}

/** `If-Match` / `If-None-Match` compare against the quoted or unquoted form. */
export function etagMatches(header: string, etag: string): boolean {
  return header
    .split(',')
    .map((part) => part.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1'))
    .some((candidate) => candidate === '*' || candidate === etag);
}
