/**
 * Jobs on a schedule (Temporal Schedules): each run of a schedule starts the
 * `scheduledJob` workflow, which copies the schedule's stored inputs into a
 * new job's container and runs the job as an ordinary one (its own id, name
 * and labels), waiting for it so the schedule's overlap policy means jobs.
 * Pure: zod only.
 */
import { z } from 'zod';
import { saying } from './describe';

const scheduleNamePattern = /^(?=.{1,30}$)[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const scheduleNameRule = "1 to 30 lowercase letters, digits and hyphens, starting and ending with a letter or digit, no two hyphens in a row";

const scheduleNameMessage = saying((got) => `schedule name must be ${scheduleNameRule}; got ${got}.`);

export const scheduleNameSchema = z.string(scheduleNameMessage).regex(scheduleNamePattern, scheduleNameMessage);

export const overlapChoices = ['skip', 'buffer-one', 'allow'] as const;
export type Overlap = (typeof overlapChoices)[number];

/** The Temporal Schedule's id, and the workflow id its runs are named from (Temporal adds `-<time>`). */
export function scheduleIdOf(name: string): string {
  return `rbs-${name}`;
}

/** The schedule's name from a Temporal Schedule id; undefined for schedules that are not remote-batch's. */
export function scheduleNameOf(scheduleId: string): string | undefined {
  return scheduleId.startsWith('rbs-') ? scheduleId.slice(4) : undefined;
}

/** Where a schedule's inputs (files, script bundle, an array's elements) are kept: the storage of this pseudo job id. */
export function scheduleStorageIdOf(name: string): string {
  return `schedule-${name}`;
}

/**
 * A scheduled run's job id from its launcher's workflow id
 * (`rbs-nightly-2026-12-08T02:00:00Z`): lowercase, each run of other
 * characters one hyphen (`rbs-nightly-2026-12-08t02-00-00z`), a valid job id.
 */
export function scheduledJobIdOf(launcherWorkflowId: string): string {
  return launcherWorkflowId
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** What the `scheduledJob` workflow is started with by the schedule. */
export interface ScheduledJobInput {
  schedule: string;
  workflowType: 'singleJob' | 'arrayJob';
  /** The job's workflow input, without a jobId (each run has its own). */
  job: Record<string, unknown> & { environment: { connection: string; poolId: string } };
  /** The job's Temporal UI summary and details, as the client writes them for a job it submits. */
  staticSummary?: string;
  staticDetails?: string;
}
