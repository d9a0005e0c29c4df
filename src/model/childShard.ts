import { z } from 'zod';
import type { ChildCounts } from './jobStates';
import { attemptKinds, type TaskAttempt } from './failureKind';
import type { SingleJobStatus } from './status';

const timeOrNull = z.union([z.iso.datetime(), z.null()]);

/**
 * Facts of up to 1000 consecutive children, stored as one blob
 * (`state/children/<6-digit shard>.json` in the job's container, shard k holding
 * children max(1, 1000k) … 1000k + 999). Compact: statuses are one letter each
 * (A, R, S, F); every array has one entry per child of the shard, in order.
 * Internal to the workflow: what clients read is the array's state and, once
 * it has ended, its results blob (src/model/arrayResults.ts).
 */
export const childShardSchema = z
  .object({
    first: z.number().int().min(1).describe('The 1-based index of the shard\'s first child (its task id is 10000000 + first).'),
    statuses: z
      .string()
      .regex(/^[ARSF]*$/)
      .describe('One letter per child: A Active, R Running, S Succeeded, F Failed. A closed array\'s A and R children read as Failed with the array\'s statusReason.'),
    exitCodes: z.array(z.union([z.number().int(), z.null()])).describe('Each child\'s exit code; null until it ran.'),
    reasons: z.array(z.union([z.string(), z.null()])).describe('Each child\'s JobStatusReason; null when it has none.'),
    results: z.array(z.unknown()).describe('Each child\'s result (the JSON of its result.json, or its script\'s return value); null when it wrote none.'),
    startTimes: z.array(timeOrNull).describe('When each child\'s task started (ISO time).'),
    endTimes: z.array(timeOrNull).describe('When each child\'s task ended (ISO time).'),
    abortReasons: z.array(z.union([z.string(), z.null()])).describe('Set by an abort of that child, so the reason survives the task\'s completion.'),
    attempts: z
      .record(
        z.string(),
        z.array(
          z.object({
            kind: z.enum(attemptKinds),
            reason: z.string(),
            round: z.string().optional().describe('When the completion that revealed this attempt ended (Batch\'s endTime).'),
            retryOn: z.literal(true).optional().describe('RetryOn earned this rerun.'),
          }),
        ),
      )
      .optional()
      .describe('Rerun attempts by child offset in the shard (sparse: most children have none).'),
    rerunsDue: z
      .record(z.string(), z.string())
      .optional()
      .describe('When each child waiting for a rerun (its task completed, its settlement said run it again) is to be sent back to Batch, by child offset (sparse).'),
  })
  .describe('Per-child statuses, exit codes, reasons and results of up to 1000 children of an array job.');

export type ChildShard = z.infer<typeof childShardSchema>;

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

/** Every change of a child's status ends a rerun it waited for (a rerun is scheduled after the change that asks for it). */
export function updateChild(shard: ChildShard, child: number, update: ChildUpdate): void {
  const at = child - shard.first;
  if (shard.rerunsDue) delete shard.rerunsDue[String(at)];
  shard.statuses = shard.statuses.slice(0, at) + letters[update.status] + shard.statuses.slice(at + 1);
  shard.exitCodes[at] = update.exitCode ?? null;
  shard.reasons[at] = update.reason ?? null;
  shard.results[at] = update.result ?? null;
  shard.startTimes[at] = update.startTime ?? null;
  shard.endTimes[at] = update.endTime ?? null;
}

/** Child n waits, Active, until `at` (an ISO time) to be sent back to Batch. */
export function scheduleRerun(shard: ChildShard, child: number, at: string): void {
  shard.rerunsDue ??= {};
  shard.rerunsDue[String(child - shard.first)] = at;
}

/** When child n is to be sent back to Batch, if it waits for a rerun. */
export function rerunDueAt(shard: ChildShard, child: number): string | undefined {
  return shard.rerunsDue?.[String(child - shard.first)];
}

/** The children of a shard waiting for a rerun, with when. */
export function waitingReruns(shard: ChildShard): { child: number; at: string }[] {
  return Object.entries(shard.rerunsDue ?? {}).map(([offset, at]) => ({ child: shard.first + Number(offset), at }));
}

/** The earlier of two ISO times, either possibly absent. */
export function earliest(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a < b ? a : b;
}

/** Makes child n pending again (a retry), its failed attempt kept among its attempts. */
export function resetChild(shard: ChildShard, child: number): void {
  const at = child - shard.first;
  const failed = { kind: 'user' as const, reason: shard.reasons[at] ?? 'The child failed; it was retried.', ...(shard.endTimes[at] ? { round: shard.endTimes[at]! } : {}) };
  setChildAttempts(shard, child, [...childAttempts(shard, child), failed]);
  updateChild(shard, child, { status: 'Active' });
  shard.abortReasons[at] = null;
}

export function childAttempts(shard: ChildShard, child: number): TaskAttempt[] {
  return shard.attempts?.[String(child - shard.first)] ?? [];
}

export function setChildAttempts(shard: ChildShard, child: number, attempts: TaskAttempt[]): void {
  if (attempts.length === 0) return;
  shard.attempts ??= {};
  shard.attempts[String(child - shard.first)] = attempts;
}

function countShard(shard: ChildShard): ChildCounts {
  const counts: ChildCounts = { active: 0, running: 0, succeeded: 0, failed: 0 };
  for (const letter of shard.statuses) {
    if (letter === 'R') counts.running++;
    else if (letter === 'S') counts.succeeded++;
    else if (letter === 'F') counts.failed++;
    else counts.active++;
  }
  return counts;
}

/** The counts of several shards together. */
export function countShards(shards: readonly ChildShard[]): ChildCounts {
  const counts: ChildCounts = { active: 0, running: 0, succeeded: 0, failed: 0 };
  for (const shard of shards) {
    const own = countShard(shard);
    counts.active += own.active;
    counts.running += own.running;
    counts.succeeded += own.succeeded;
    counts.failed += own.failed;
  }
  return counts;
}
