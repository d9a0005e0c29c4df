import type { ArrayJobState } from '../model/arrayJob';
import type { ShardTally } from '../model/childShard';
import type { RepairArrayShardsInput } from '../workflows/arrayRepair';
import type { BatchEnvironment } from './environment';
import { taskQueue } from './temporalSettings';

/** The repair of an array's stored child states runs under this workflow id: one at a time, joined by every reader. */
export function shardRepairWorkflowId(jobId: string): string {
  return `${jobId}-repair`;
}

/**
 * Has a worker rebuild a completed array's child shards from Batch and the
 * outputs (workflow repairArrayShards) and waits for it; readers that come
 * while it runs wait for the same run.
 */
export async function repairStoredShards(environment: BatchEnvironment, state: ArrayJobState): Promise<ShardTally[]> {
  if (!state.completedShards) throw new Error(`Array ${state.jobId} has no completed state to repair.`);
  const input: RepairArrayShardsInput = {
    connection: environment.connection,
    jobId: state.jobId,
    childCount: state.childCount,
    bodyKind: state.completedShards.bodyKind,
  };
  const client = await environment.client();
  const handle = await client.workflow.start('repairArrayShards', {
    taskQueue,
    workflowId: shardRepairWorkflowId(state.jobId),
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
  });
  return (await handle.result()) as ShardTally[];
}
