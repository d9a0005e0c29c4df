import { ApplicationFailure } from '@temporalio/workflow';
import type { ShardTally } from '../model/childShard';
import type { JobBody } from '../model/jobSpec';
import { azure, watcher } from './activityProxies';

/*
 * Repairs of what storage lost after a job completed (Azurite killed within its
 * save interval gives back older blobs, or none): readers start them
 * (src/client/storageRepair.ts) when what they read disagrees with the job's state.
 */

export interface RepairArrayShardsInput {
  connection: string;
  jobId: string;
  childCount: number;
  bodyKind: JobBody['kind'];
}

/** Settling passes before giving up: children rerun for lost outputs get this long (× 30 s) to finish. */
const maxPasses = 20;

/**
 * Rebuilds a completed array's child shards after storage lost some of them
 * (an older version read back, or none): every child's state from Batch's task
 * list, its outputs verified (restored from the node, or the child rerun while
 * its Azure job is open), then the command children's results gathered again.
 * Returns what each shard now holds; readers start it, one run at a time.
 */
export async function repairArrayShards(input: RepairArrayShardsInput): Promise<ShardTally[]> {
  const { connection, jobId, childCount, bodyKind } = input;
  for (let pass = 0; pass < maxPasses; pass++) {
    const progress = await watcher.pollArrayProgress({ connection, jobId, childCount, added: childCount, minWaitMs: 0, maxWaitMs: 30_000, bodyKind });
    if (!progress.allCompleted) continue;
    if (bodyKind === 'command') return (await azure.gatherArrayResults({ connection, jobId, childCount })).tallies;
    return progress.tallies ?? [];
  }
  throw ApplicationFailure.nonRetryable(`The children of array ${jobId} did not all settle in Batch; its stored state could not be rebuilt.`, 'ArrayNotSettled');
}

export interface RestoreTaskOutputsInput {
  connection: string;
  jobId: string;
  taskId: string;
  /** Blobs of the task that storage no longer has. */
  blobs: string[];
}

/**
 * Uploads again, from the compute node, a completed task's outputs that
 * storage lost (a log, a result). Returns those the node no longer has.
 */
export async function restoreTaskOutputs(input: RestoreTaskOutputsInput): Promise<string[]> {
  return azure.restoreLostOutputs(input);
}
