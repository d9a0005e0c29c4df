import { arrayResultLineSchema, arrayResultsBlob, type ArrayResultLine, resultLinesOf } from '../model/arrayResults';
import { blobIndexOfChild } from '../model/arrayJob';
import { mapWithConcurrency } from '../model/concurrency';
import { RemoteBatchError } from '../model/errors';
import type { ArrayJobState } from '../model/jobStates';
import { throwIfDeleted } from './deletedJob';
import type { BatchEnvironment } from './environment';

/** Storage holds less than the job recorded: what a reader says instead of a wrong or empty answer. */
export class StoredStateMissingError extends RemoteBatchError {
  constructor(readonly jobId: string, message: string) {
    super(message, 'StoredStateMissing', 404);
    this.name = 'StoredStateMissingError';
  }
}

/** An ended array's children, from its results blob (src/model/arrayResults.ts), checked against its state. */
async function endedChildren(environment: BatchEnvironment, state: ArrayJobState, signal?: AbortSignal): Promise<ArrayResultLine[]> {
  const storage = environment.azure().storage.job(state.jobId);
  const text = await storage.readText(arrayResultsBlob, signal);
  const where = `${storage.containerName}/${arrayResultsBlob}`;
  if (text === undefined) {
    await throwIfDeleted(environment, state.jobId, "children's results, logs and outputs", signal);
    throw new StoredStateMissingError(state.jobId, `Array ${state.jobId} has ended, but its results blob ${where} is not in storage: storage lost it, or it was deleted.`);
  }
  const lines = text.split('\n').filter((line) => line !== '');
  const children = lines.map((line, at) => {
    const parsed = arrayResultLineSchema.safeParse(JSON.parse(line));
    if (!parsed.success) throw new StoredStateMissingError(state.jobId, `Line ${at + 1} of ${where} is not a child's result: ${parsed.error.issues[0].message}`);
    return parsed.data;
  });
  const succeeded = children.filter((child) => child.status === 'Succeeded').length;
  if (children.length !== state.childCount || succeeded !== state.counts.succeeded) {
    throw new StoredStateMissingError(
      state.jobId,
      `${where} holds ${children.length} children, ${succeeded} succeeded, where array ${state.jobId} recorded ${state.childCount}, ${state.counts.succeeded} succeeded: storage gave back less than the array wrote.`,
    );
  }
  return children;
}

/** A running array's children `first`…`last`, as its workflow has recorded them so far. */
async function runningChildren(environment: BatchEnvironment, state: ArrayJobState, first: number, last: number, signal?: AbortSignal): Promise<ArrayResultLine[]> {
  const storage = environment.azure().storage.job(state.jobId);
  const indexes = Array.from({ length: blobIndexOfChild(last) - blobIndexOfChild(first) + 1 }, (_, at) => blobIndexOfChild(first) + at);
  const shards = await mapWithConcurrency(indexes, 8, async (index) => (await storage.readShard(index, state.childCount, signal)).shard);
  return shards.flatMap(resultLinesOf).filter((child) => child.child >= first && child.child <= last);
}

/**
 * What is known of an array's children `first`…`last` (1-based, inclusive;
 * all by default): from its results blob once it has ended, from its
 * workflow's records while it runs.
 */
export async function readChildren(environment: BatchEnvironment, state: ArrayJobState, range: { first?: number; last?: number } = {}, signal?: AbortSignal): Promise<ArrayResultLine[]> {
  const { first = 1, last = state.childCount } = range;
  if (state.status !== 'Completed') return runningChildren(environment, state, first, last, signal);
  return (await endedChildren(environment, state, signal)).slice(first - 1, last);
}
