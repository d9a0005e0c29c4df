import { formatDuration, parseDuration, UNLIMITED_DURATION } from '../protocol/durations';
import type { JobRecord, JsonObject, TaskRecord } from './types';

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


/** A job preparation or release task with Batch's defaults, as the node agent runs it. */
export interface JobNodeTaskSettings {
  id: string;
  commandLine: string;
  resourceFiles: JsonObject[];
  environmentSettings: Array<{ name: string; value?: string }>;
  containerSettings?: JsonObject;
  userIdentity?: JsonObject;
  maxWallClockTime: string;
  maxWallClockMs: number;
  retentionTime: string;
  maxTaskRetryCount: number;
  waitForSuccess: boolean;
  rerunOnNodeRebootAfterSuccess: boolean;
}

const RELEASE_MAX_WALL_CLOCK = 'PT15M';

export function preparationTaskOf(job: JobRecord): JobNodeTaskSettings | undefined {
  const spec = job.spec.jobPreparationTask as JsonObject | undefined;
  if (!spec) return undefined;
  const constraints = (spec.constraints as { maxWallClockTime?: string; retentionTime?: string; maxTaskRetryCount?: number } | undefined) ?? {};
  return nodeTaskSettings(spec, 'jobpreparation', constraints.maxWallClockTime ?? UNLIMITED_DURATION, constraints.retentionTime, {
    maxTaskRetryCount: constraints.maxTaskRetryCount ?? 0,
    waitForSuccess: (spec.waitForSuccess as boolean | undefined) ?? true,
    rerunOnNodeRebootAfterSuccess: (spec.rerunOnNodeRebootAfterSuccess as boolean | undefined) ?? true,
  });
}

/** The release task never retries, and runs at most 15 minutes (Batch's own bound and default). */
export function releaseTaskOf(job: JobRecord): JobNodeTaskSettings | undefined {
  const spec = job.spec.jobReleaseTask as JsonObject | undefined;
  if (!spec) return undefined;
  return nodeTaskSettings(spec, 'jobrelease', (spec.maxWallClockTime as string | undefined) ?? RELEASE_MAX_WALL_CLOCK, spec.retentionTime as string | undefined, {
    maxTaskRetryCount: 0,
    waitForSuccess: false,
    rerunOnNodeRebootAfterSuccess: false,
  });
}

function nodeTaskSettings(
  spec: JsonObject,
  defaultId: string,
  maxWallClockTime: string,
  retentionTime: string | undefined,
  rest: Pick<JobNodeTaskSettings, 'maxTaskRetryCount' | 'waitForSuccess' | 'rerunOnNodeRebootAfterSuccess'>,
): JobNodeTaskSettings {
  return {
    id: (spec.id as string | undefined) ?? defaultId,
    commandLine: spec.commandLine as string,
    resourceFiles: (spec.resourceFiles as JsonObject[] | undefined) ?? [],
    environmentSettings: (spec.environmentSettings as Array<{ name: string; value?: string }> | undefined) ?? [],
    containerSettings: spec.containerSettings as JsonObject | undefined,
    userIdentity: spec.userIdentity as JsonObject | undefined,
    maxWallClockTime,
    maxWallClockMs: parseDuration(maxWallClockTime) ?? Number.POSITIVE_INFINITY,
    retentionTime: retentionTime ?? formatDuration(7 * 86_400_000),
    ...rest,
  };
}
