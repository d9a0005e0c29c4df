import type { DependencyCondition, JobDependencies } from '../model/dependencies';
import { describeValue } from '../model/describe';
import { InvalidSettingError } from '../model/errors';
import { jobTypeKey } from '../model/searchAttributes';
import type { BatchEnvironment } from './environment';
import { describeJob } from './jobOwnership';

/** A job to run after: its id, or a job object (`submit`'s and `mapSubmit`'s results have `jobId`). */
export type JobReference = string | { jobId: string };

/** The workflow input's `after` from the options' `after` and `afterCondition`; the schema checks the rest. */
export function dependenciesOf(after: unknown, condition: DependencyCondition | undefined): JobDependencies | undefined {
  if (after === undefined) {
    if (condition !== undefined) throw new InvalidSettingError('afterCondition', 'afterCondition applies with after: give the jobs to run after too.');
    return undefined;
  }
  if (!Array.isArray(after)) throw new InvalidSettingError('after', `after must be a list of job ids or jobs; got ${describeValue(after)}.`);
  const jobIds = after.map((job: unknown) => (typeof job === 'object' && job !== null && 'jobId' in job ? (job as { jobId: unknown }).jobId : job)) as string[];
  return { jobIds, condition: condition ?? 'succeeded' };
}

/** Refuses, naming them, dependencies that are not remote-batch jobs of this Temporal namespace. */
export async function checkDependenciesExist(env: BatchEnvironment, jobIds: string[], signal?: AbortSignal): Promise<void> {
  const unknown: string[] = [];
  for (const jobId of jobIds) {
    const description = await describeJob(env, jobId, signal);
    if (description?.typedSearchAttributes.get(jobTypeKey) === undefined) unknown.push(jobId);
  }
  if (unknown.length > 0) {
    throw new InvalidSettingError('after', `after names ${unknown.length === 1 ? 'a job' : 'jobs'} that do${unknown.length === 1 ? 'es' : ''} not exist in Temporal namespace '${env.temporal.namespace}': ${unknown.join(', ')}.`);
  }
}
