import type { AzureGateways, ConnectionGateways } from '../azure/gateways';
import { blobIndexOfChild, childTaskId } from '../model/arrayJob';
import { arrayResultsBlob, resultLinesOf } from '../model/arrayResults';
import { type ChildShard, childStatus, resetChild, updateChild } from '../model/childShard';
import { mapWithConcurrency } from '../model/concurrency';
import { clientTerminationReason } from '../model/outcome';
import { recordChildrenCompleted } from '../telemetry/metrics';
import { RefusedInputError } from './jobSetup';
import { forEachShard, readAllShards, type ShardsRef } from './arrayShards';
import { rerunTask } from './taskRerun';

/** Marks one child for abort (so its reason survives its completion) and terminates its task. */
async function abortArrayChild(azure: ConnectionGateways, input: ShardsRef & { child: number; reason: string }): Promise<void> {
  const storage = azure.storage.job(input.jobId);
  const index = blobIndexOfChild(input.child);
  const read = await storage.readShard(index, input.childCount);
  const status = childStatus(read.shard, input.child);
  if (status === 'Succeeded' || status === 'Failed') return;
  read.shard.abortReasons[input.child - read.shard.first] = input.reason;
  await storage.writeShard(index, read);
  await azure.batch.terminateTask(input.jobId, childTaskId(input.child));
}

/**
 * Once the Azure job has ended early (an abort, the reconciler): every child
 * that had not finished before `endedAt` (never added, waiting, or killed)
 * ends Failed with `statusReason`, or its own abort's reason if it was aborted alone first.
 */
async function failUnfinishedChildren(azure: ConnectionGateways, input: ShardsRef & { endedAt: string; statusReason: string }): Promise<number> {
  let failed = 0;
  await forEachShard(azure.storage.job(input.jobId), input.childCount, (shard) => {
    let touched = false;
    for (let at = 0; at < shard.statuses.length; at++) {
      const letter = shard.statuses[at];
      if (letter === 'S' || (letter === 'F' && shard.endTimes[at] !== null && shard.endTimes[at]! < input.endedAt)) continue;
      const ownReason = shard.abortReasons[at];
      updateChild(shard, shard.first + at, {
        status: 'Failed',
        reason: ownReason ? clientTerminationReason(ownReason) : input.statusReason,
        exitCode: shard.exitCodes[at] ?? undefined,
        endTime: shard.endTimes[at] ?? input.endedAt,
      });
      touched = true;
      failed++;
    }
    return touched;
  });
  recordChildrenCompleted('Failed', failed);
  return failed;
}

/** A retry: the failed children run again (Batch reactivates their tasks; ids stay), every success kept. */
async function rerunFailedChildren(azure: ConnectionGateways, input: ShardsRef): Promise<number> {
  let rerun = 0;
  await forEachShard(azure.storage.job(input.jobId), input.childCount, async (shard) => {
    const failed = [...shard.statuses].flatMap((letter, at) => (letter === 'F' ? [shard.first + at] : []));
    await mapWithConcurrency(failed, 16, async (child) => {
      if (!(await rerunTask(azure, input.jobId, childTaskId(child)))) {
        throw new RefusedInputError(`Azure job '${input.jobId}' has ended: its failed children can no longer be rerun.`);
      }
      resetChild(shard, child);
    });
    rerun += failed.length;
    return failed.length > 0;
  });
  return rerun;
}

/**
 * Writes the array's results blob (src/model/arrayResults.ts) from its shards:
 * what every client reads once it has ended. An array none of whose children
 * was added (`neverRan` says why) has every child Failed with that reason.
 */
async function publishArrayResults(azure: ConnectionGateways, input: ShardsRef & { neverRan?: string }): Promise<void> {
  const storage = azure.storage.job(input.jobId);
  const shards = await readAllShards(storage, input.childCount);
  const lines = shards.map((shard) => resultLinesOf(input.neverRan === undefined ? shard : neverRanShard(shard, input.neverRan)).map((line) => JSON.stringify(line)).join('\n'));
  await storage.create();
  await storage.uploadText(arrayResultsBlob, `${lines.join('\n')}\n`);
}

function neverRanShard(shard: ChildShard, reason: string): ChildShard {
  for (let at = 0; at < shard.statuses.length; at++) updateChild(shard, shard.first + at, { status: 'Failed', reason });
  return shard;
}

export function arrayEndingActivities(gateways: AzureGateways) {
  return {
    abortArrayChild: (input: ShardsRef & { child: number; reason: string }) => abortArrayChild(gateways.get(input.connection), input),
    failUnfinishedChildren: (input: ShardsRef & { endedAt: string; statusReason: string }) => failUnfinishedChildren(gateways.get(input.connection), input),
    rerunFailedChildren: (input: ShardsRef) => rerunFailedChildren(gateways.get(input.connection), input),
    publishArrayResults: (input: ShardsRef & { neverRan?: string }) => publishArrayResults(gateways.get(input.connection), input),
  };
}
