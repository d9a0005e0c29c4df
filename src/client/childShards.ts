import type { ArrayJobState } from '../model/arrayJob';
import { blobCount, childrenOfBlob, childShardBlob } from '../model/arrayJob';
import { agreesWithTally, type ChildShard, childShardSchema, emptyShard, type ShardTally } from '../model/childShard';
import { jobContainerName } from '../model/conventions';
import type { BatchEnvironment } from './environment';
import { readBlobText } from './readers';
import { mapWithConcurrency } from '../activities/concurrency';
import { repairStoredShards } from './storageRepair';

/** A stored shard, checked against schema/arrayJob.children.json: the format other languages read too. */
function parseChildShard(text: string, blob: string): ChildShard {
  const parsed = childShardSchema.safeParse(JSON.parse(text));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new Error(`The child state blob ${blob} does not match schema/arrayJob.children.json: ${issue.path.join('.') || 'the top level'}: ${issue.message}`);
}

/** The shard as storage has it; a closed array has no unfinished child. */
async function readStoredShard(environment: BatchEnvironment, state: ArrayJobState, index: number): Promise<ChildShard> {
  const container = environment.azure().blobs.getContainerClient(jobContainerName(state.jobId));
  const text = await readBlobText(container, childShardBlob(index));
  const { first, last } = childrenOfBlob(index, state.childCount);
  const shard = text ? parseChildShard(text, `${container.containerName}/${childShardBlob(index)}`) : emptyShard(first, last - first + 1);
  if (state.closed && /[AR]/.test(shard.statuses)) {
    // Closed before these children ran (refused or aborted early): they failed with the array.
    for (let at = 0; at < shard.statuses.length; at++) {
      if (shard.statuses[at] === 'A' || shard.statuses[at] === 'R') shard.reasons[at] = state.statusReason ?? null;
    }
    shard.statuses = shard.statuses.replace(/[AR]/g, 'F');
  }
  return shard;
}

/** False when a completed array's shard holds less than its workflow wrote: storage lost the write. */
function isAsCompleted(state: ArrayJobState, index: number, shard: ChildShard, tallies = state.completedShards?.tallies): boolean {
  const tally = tallies?.[index];
  return tally === undefined || agreesWithTally(shard, tally);
}

/**
 * Reads shards; when a completed array's shard is older than what its
 * workflow wrote (storage lost it), the shards are rebuilt from Batch and the
 * outputs first, so a reader never sees a lost result as a null one.
 */
async function readShards(environment: BatchEnvironment, state: ArrayJobState, indexes: number[]): Promise<ChildShard[]> {
  const read = () => mapWithConcurrency(indexes, 8, (index) => readStoredShard(environment, state, index));
  const shards = await read();
  if (shards.every((shard, at) => isAsCompleted(state, indexes[at], shard))) return shards;
  const rebuilt: ShardTally[] = await repairStoredShards(environment, state);
  const again = await read();
  const lost = indexes.filter((index, at) => !isAsCompleted(state, index, again[at]) || !isAsCompleted(state, index, again[at], rebuilt));
  if (lost.length === 0) return again;
  const { first } = childrenOfBlob(lost[0], state.childCount);
  throw new Error(
    `Storage lost part of array ${state.jobId}'s child states (from child ${first}) and rebuilding them from Batch gave a different account ` +
      `than the array recorded; read it again later (failed children's outputs may be rerunning).`,
  );
}

export async function readChildShard(environment: BatchEnvironment, state: ArrayJobState, index: number): Promise<ChildShard> {
  return (await readShards(environment, state, [index]))[0];
}

export async function readAllChildShards(environment: BatchEnvironment, state: ArrayJobState): Promise<ChildShard[]> {
  return readShards(environment, state, Array.from({ length: blobCount(state.childCount) }, (_, index) => index));
}
