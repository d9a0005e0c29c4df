import type { ChildCounts } from './arrayJob';
import type { TaskAttempt } from './failureKind';
import type { SingleJobStatus } from './status';

/**
 * Facts of up to 1000 consecutive children, stored as one blob. Compact:
 * statuses are one letter each (A, R, S, F).
 */
export interface ChildShard {
  first: number;
  statuses: string;
  exitCodes: (number | null)[];
  reasons: (string | null)[];
  results: unknown[];
  startTimes: (string | null)[];
  endTimes: (string | null)[];
  /** Set by an abort of that child, so the reason survives the task's completion. */
  abortReasons: (string | null)[];
  /** Rerun attempts by child offset (sparse: most children have none); absent in shards written before reruns existed. */
  attempts?: Record<string, TaskAttempt[]>;
}

const letters: Record<SingleJobStatus, string> = { Active: 'A', Running: 'R', Succeeded: 'S', Failed: 'F' };
const statusOfLetter: Record<string, SingleJobStatus> = { A: 'Active', R: 'Running', S: 'Succeeded', F: 'Failed' };

export function emptyShard(first: number, size: number): ChildShard {
  const none = () => new Array<null>(size).fill(null);
  return {
    first,
    statuses: 'A'.repeat(size),
    exitCodes: none(),
    reasons: none(),
    results: none(),
    startTimes: none(),
    endTimes: none(),
    abortReasons: none(),
  };
}

export function childStatus(shard: ChildShard, child: number): SingleJobStatus {
  return statusOfLetter[shard.statuses[child - shard.first]] ?? 'Active';
}

export interface ChildUpdate {
  status: SingleJobStatus;
  exitCode?: number;
  reason?: string;
  result?: unknown;
  startTime?: string;
  endTime?: string;
}

export function updateChild(shard: ChildShard, child: number, update: ChildUpdate): void {
  const at = child - shard.first;
  shard.statuses = shard.statuses.slice(0, at) + letters[update.status] + shard.statuses.slice(at + 1);
  shard.exitCodes[at] = update.exitCode ?? null;
  shard.reasons[at] = update.reason ?? null;
  shard.results[at] = update.result ?? null;
  shard.startTimes[at] = update.startTime ?? null;
  shard.endTimes[at] = update.endTime ?? null;
}

/** Makes child n pending again (retryFailed), forgetting its failed attempt. */
export function resetChild(shard: ChildShard, child: number): void {
  updateChild(shard, child, { status: 'Active' });
  shard.abortReasons[child - shard.first] = null;
}

export function childAttempts(shard: ChildShard, child: number): TaskAttempt[] {
  return shard.attempts?.[String(child - shard.first)] ?? [];
}

export function setChildAttempts(shard: ChildShard, child: number, attempts: TaskAttempt[]): void {
  if (attempts.length === 0) return;
  shard.attempts ??= {};
  shard.attempts[String(child - shard.first)] = attempts;
}

export function countShard(shard: ChildShard): ChildCounts {
  const counts: ChildCounts = { active: 0, running: 0, succeeded: 0, failed: 0 };
  for (const letter of shard.statuses) {
    if (letter === 'R') counts.running++;
    else if (letter === 'S') counts.succeeded++;
    else if (letter === 'F') counts.failed++;
    else counts.active++;
  }
  return counts;
}
