import { blobIndexOfChild } from '../model/arrayJob';
import { childStatus } from '../model/childShard';
import type { SingleJobStatus } from '../model/status';
import type { ArrayJob } from './arrayJobObject';
import { readChildShard } from './childShards';

/** One row of an array's children table, from its state shards alone. */
export interface ChildSummary {
  /** 1-based. */
  child: number;
  JobStatus: SingleJobStatus;
  JobExitCode?: number;
  JobStatusReason?: string;
  JobStartTime?: Date;
  JobCompletionTime?: Date;
}

export interface ChildSummaryPage {
  children: ChildSummary[];
  /** The array's ChildJobCount. */
  total: number;
  page: number;
  pageSize: number;
}

/** A page of an array's children in order, reading only the shards that hold them. */
export async function listChildSummaries(array: ArrayJob, options: { page?: number; pageSize?: number } = {}): Promise<ChildSummaryPage> {
  const pageSize = options.pageSize ?? 20;
  const page = options.page ?? 1;
  const state = await array.state();
  const first = (page - 1) * pageSize + 1;
  const last = Math.min(state.childCount, page * pageSize);
  const children: ChildSummary[] = [];
  for (let shardIndex = blobIndexOfChild(first); first <= last && shardIndex <= blobIndexOfChild(last); shardIndex++) {
    const shard = await readChildShard(array.environment, state, shardIndex);
    for (let child = Math.max(first, shard.first); child <= last && child < shard.first + shard.statuses.length; child++) {
      const at = child - shard.first;
      children.push({
        child,
        JobStatus: childStatus(shard, child),
        ...(shard.exitCodes[at] != null ? { JobExitCode: shard.exitCodes[at]! } : {}),
        ...(shard.reasons[at] ? { JobStatusReason: shard.reasons[at]! } : {}),
        ...(shard.startTimes[at] ? { JobStartTime: new Date(shard.startTimes[at]!) } : {}),
        ...(shard.endTimes[at] ? { JobCompletionTime: new Date(shard.endTimes[at]!) } : {}),
      });
    }
  }
  return { children, total: state.childCount, page, pageSize };
}
