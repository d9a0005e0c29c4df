import type { OperationOptions } from './abort';
import { type ArrayChildJob, ChildNotFoundError } from './arrayChildJob';
import { ArrayJob } from './arrayJobObject';
import type { BatchEnvironment } from './environment';
import { BatchJob } from './jobObject';
import { jobOwnership } from './jobOwnership';
import { parseJobId } from './jobId';
import { JobNotFoundError } from './jobState';

/**
 * The seed's RemoteBatchJobObject: the job a job id names in this
 * environment, of the right kind — a BatchJob (`jobType` 'Single'), an
 * ArrayJob ('Array', with `child(n)`), or for `rb-…/n` child n of an array
 * (an ArrayChildJob). A job of another pool or connection is not found here.
 */
export async function jobObject(env: BatchEnvironment, jobId: string, options: OperationOptions = {}): Promise<BatchJob | ArrayJob | ArrayChildJob> {
  const { jobId: id, child } = parseJobId(jobId);
  const ownership = await jobOwnership(env, id, options);
  if (ownership.kind === 'missing') throw new JobNotFoundError(id, env);
  if (ownership.kind === 'elsewhere') throw new JobNotFoundError(id, env, ownership.environment);
  if (ownership.type !== 'Array') {
    if (child !== undefined) throw new ChildNotFoundError(id, child);
    return new BatchJob(env, id);
  }
  const array = new ArrayJob(env, id);
  if (child === undefined) return array;
  const { childCount } = await array.state(options);
  if (child > childCount) throw new ChildNotFoundError(id, child, childCount);
  return array.child(child);
}
