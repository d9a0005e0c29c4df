import { Context } from '@temporalio/activity';
import { JobStorage } from '../azure/jobStorage';
import { blobIndexOfChild } from '../model/arrayJob';
import type { ChildShard } from '../model/childShard';
import { mapWithConcurrency } from '../model/concurrency';
import type { RetryRule } from '../model/retryRules';

/** Which array, and what its children run. */
export interface ArrayRef {
  connection: string;
  jobId: string;
  childCount: number;
  bodyKind: 'script' | 'command';
  /** The array's RetryOn: exit codes that earn a child a rerun. */
  retryOn?: RetryRule;
}

/** What the activities that only read and write child shards need of an array. */
export type ShardsRef = Pick<ArrayRef, 'connection' | 'jobId' | 'childCount'>;

/** Every shard in turn, read, changed by `change` and written back when it says it changed something. */
export async function forEachShard(storage: JobStorage, childCount: number, change: (shard: ChildShard) => Promise<boolean> | boolean): Promise<void> {
  for (let index = 0; index < JobStorage.shardCount(childCount); index++) {
    Context.current().heartbeat(index);
    const read = await storage.readShard(index, childCount);
    if (await change(read.shard)) await storage.writeShard(index, read);
  }
}

/** Every shard, eight read at a time; those in `known` (just written) as they are. */
export function readAllShards(storage: JobStorage, childCount: number, known: ChildShard[] = []): Promise<ChildShard[]> {
  const byIndex = new Map(known.map((shard) => [blobIndexOfChild(shard.first), shard]));
  const indexes = Array.from({ length: JobStorage.shardCount(childCount) }, (_, index) => index);
  return mapWithConcurrency(indexes, 8, async (index) => {
    Context.current().heartbeat(index);
    return byIndex.get(index) ?? (await storage.readShard(index, childCount)).shard;
  });
}
