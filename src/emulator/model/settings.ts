import { formatDuration, parseDuration, UNLIMITED_DURATION } from '../protocol/durations';
import type { JobRecord, TaskRecord } from './types';

/** Settings of jobs and tasks with the defaults Batch applies when a request leaves them out. */

/** The pool the job runs on: the one it names, or the auto pool Batch created for it. */
export function poolIdOf(job: JobRecord): string {
  return job.executionInfo.poolId ?? (job.spec.poolInfo as { poolId?: string } | undefined)?.poolId ?? '';
}

export function priorityOf(job: JobRecord): number {
  return (job.spec.priority as number | undefined) ?? 0;
}

export function requiredSlotsOf(task: TaskRecord): number {
  return (task.spec.requiredSlots as number | undefined) ?? 1;
}

/** A task's constraints with the job's defaults filled in, as Batch reports them. */
export function effectiveConstraints(task: TaskRecord, job: JobRecord | undefined): {
  maxWallClockTime: string;
  maxWallClockMs: number;
  retentionTime: string;
  maxTaskRetryCount: number;
} {
  const own = (task.spec.constraints as { maxWallClockTime?: string; retentionTime?: string; maxTaskRetryCount?: number } | undefined) ?? {};
  const jobConstraints = (job?.spec.constraints as { maxTaskRetryCount?: number } | undefined) ?? {};
  const maxWallClockMs = parseDuration(own.maxWallClockTime ?? UNLIMITED_DURATION) ?? Number.POSITIVE_INFINITY;
  return {
    maxWallClockTime: own.maxWallClockTime ?? UNLIMITED_DURATION,
    maxWallClockMs,
    retentionTime: own.retentionTime ?? formatDuration(7 * 86_400_000),
    maxTaskRetryCount: own.maxTaskRetryCount ?? jobConstraints.maxTaskRetryCount ?? 0,
  };
}

