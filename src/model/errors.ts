/**
 * The base of every error remote-batch throws for a reason a caller can act
 * on: `code` says which (stable, for programs), `statusCode` the HTTP status
 * where Azure or Temporal answered with one.
 */
export class RemoteBatchError extends Error {
  constructor(message: string, readonly code: string, readonly statusCode?: number) {
    super(message);
    this.name = 'RemoteBatchError';
  }
}

/** Bad input a user can fix: names the field and what is allowed. Thrown before anything is created. */
export class InvalidSettingError extends RemoteBatchError {
  constructor(readonly setting: string, message: string) {
    super(message, 'InvalidSetting');
    this.name = 'InvalidSettingError';
  }
}

/** A job is not in a state that allows what was asked (retry a running job, abort a closed array's child…). */
export class JobStateError extends RemoteBatchError {
  constructor(message: string, readonly jobId: string) {
    super(message, 'JobStateConflict', 409);
    this.name = 'JobStateError';
  }
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** The closest known name, when it is close enough to be a plausible typo. */
export function closestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = levenshtein(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}
