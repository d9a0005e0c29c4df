import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ArrayJobState, SingleJobState } from '../model/jobStates';

/** Ask the job to end: the Azure job is terminated and the job ends Failed (an array: its unfinished children) with this reason. */
export const abortSignal = defineSignal<[reason: string]>('abort');

/** The same as the signal, returning the job's state once Azure has terminated the job (or it had already ended). */
export const abortUpdate = defineUpdate<SingleJobState | ArrayJobState, [reason: string]>('abortJob');

/** The job's current state (also in the workflow's memo, readable with no worker running). */
export const stateQuery = defineQuery<SingleJobState | ArrayJobState>('state');

/**
 * Changes a running array's MaxParallel (its Azure job's maxParallelTasks;
 * null lifts the limit), returning the array's state once Batch has it.
 */
export const setMaxParallelUpdate = defineUpdate<ArrayJobState, [maxParallel: number | null]>('setMaxParallel');

/** Ends one child of an array (1-based index): its task is terminated and it ends Failed with the reason. */
export const abortChildSignal = defineSignal<[child: number, reason: string]>('abortChild');

/** The longest abort reason kept (Batch keeps 64 characters of it; the JobStatusReason keeps this many). */
export const maxReasonLength = 1000;

/** What every abort message is held to, signal or update: a string of at most maxReasonLength characters. */
export function reasonProblem(reason: unknown): string | undefined {
  if (typeof reason !== 'string') return `reason must be a string of at most ${maxReasonLength} characters; got ${typeof reason}.`;
  if (reason.length > maxReasonLength) return `reason must be at most ${maxReasonLength} characters; got ${reason.length}.`;
  return undefined;
}
