import type { ArrayJobState } from '../model/arrayJob';
import { blobCount, childrenOfBlob, childShardBlob } from '../model/arrayJob';
import { type ChildShard, childShardSchema, emptyShard } from '../model/childShard';
import { jobContainerName } from '../model/conventions';
import type { BatchEnvironment } from './environment';
import { readBlobText } from './readers';
import { mapWithConcurrency } from '../activities/concurrency';

/** A stored shard, checked against schema/arrayJob.children.json: the format other languages read too. */
function parseChildShard(text: string, blob: string): ChildShard {
  const parsed = childShardSchema.safeParse(JSON.parse(text));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new Error(`The child state blob ${blob} does not match schema/arrayJob.children.json: ${issue.path.join('.') || 'the top level'}: ${issue.message}`);
}

/** Reads an array's child-state shards; a closed array has no unfinished child. */
export async function readChildShard(environment: BatchEnvironment, state: ArrayJobState, index: number): Promise<ChildShard> {
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

export async function readAllChildShards(environment: BatchEnvironment, state: ArrayJobState): Promise<ChildShard[]> {
  const indexes = Array.from({ length: blobCount(state.childCount) }, (_, index) => index);
  return mapWithConcurrency(indexes, 8, (index) => readChildShard(environment, state, index));
}
