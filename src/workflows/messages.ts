import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { SingleJobState } from '../model/jobSpec';

/** Ask the job to end: the Azure job is terminated and the job ends Failed with this reason. */
export const abortSignal = defineSignal<[reason: string]>('abort');

/** The same as the signal, returning once Azure has terminated the job (or it had already ended). */
export const abortUpdate = defineUpdate<SingleJobState, [reason: string]>('abortJob');

/** The job's current state (also in the workflow's memo, readable with no worker running). */
export const stateQuery = defineQuery<SingleJobState>('state');
