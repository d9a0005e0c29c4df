import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ArrayJobState } from '../model/arrayJob';

/** Ends one child (1-based index): its task is terminated and it ends Failed with the reason. */
export const abortChildSignal = defineSignal<[child: number, reason: string]>('abortChild');

/** Reruns only the failed children, keeping every succeeded result; returns how many were rerun. */
export const retryFailedUpdate = defineUpdate<number, []>('retryFailed');

/** The array's state (also in its memo, readable with no worker running). */
export const arrayStateQuery = defineQuery<ArrayJobState>('state');

export { abortSignal, abortUpdate } from './messages';
