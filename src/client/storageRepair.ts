import type { ArrayJobState } from '../model/arrayJob';
import type { ShardTally } from '../model/childShard';
import type { RepairArrayShardsInput, RestoreTaskOutputsInput } from '../workflows/storageRepair';
import type { BatchEnvironment } from './environment';
import { taskQueue } from './temporalSettings';

/**
 * Repairs of what storage lost after a job completed. A worker does them
 * (workflows repairArrayShards and restoreTaskOutputs); one run per job or
 * task at a time, joined by every reader that comes while it runs.
 */

/** How long a reader waits for a repair before telling the user to come back. */
const repairWaitMs = 120_000;

export function shardRepairWorkflowId(jobId: string): string {
  return `${jobId}/repair`;
}

export function outputsRepairWorkflowId(jobId: string, taskId: string): string {
  return `${jobId}/${taskId}/restore`;
}

async function runRepair<T>(environment: BatchEnvironment, workflowType: string, workflowId: string, input: object): Promise<T> {
  const client = await environment.client();
  const handle = await client.workflow.start(workflowType, {
    taskQueue,
    workflowId,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
  });
  // No worker, no repair: the reader hears so rather than waiting for ever.
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Storage lost part of job state; its repair (${workflowId}) waits for a worker. Read it again later.`)), repairWaitMs);
  });
  try {
    return (await Promise.race([handle.result(), timeout])) as T;
  } finally {
    clearTimeout(timer);
  }
}

/** Rebuilds a completed array's child shards from Batch and the outputs; returns what each now holds. */
export async function repairStoredShards(environment: BatchEnvironment, state: ArrayJobState): Promise<ShardTally[]> {
  if (!state.completedShards) throw new Error(`Array ${state.jobId} has no completed state to repair.`);
  const input: RepairArrayShardsInput = {
    connection: environment.connection,
    jobId: state.jobId,
    childCount: state.childCount,
    bodyKind: state.completedShards.bodyKind,
  };
  return runRepair<ShardTally[]>(environment, 'repairArrayShards', shardRepairWorkflowId(state.jobId), input);
}

/** Uploads a completed task's lost outputs again from its node; returns those the node no longer has. */
export async function restoreTaskOutputs(environment: BatchEnvironment, task: { jobId: string; taskId: string }, blobs: string[]): Promise<string[]> {
  const input: RestoreTaskOutputsInput = { connection: environment.connection, jobId: task.jobId, taskId: task.taskId, blobs };
  return runRepair<string[]>(environment, 'restoreTaskOutputs', outputsRepairWorkflowId(task.jobId, task.taskId), input);
}
