import { proxyActivities, type RetryPolicy } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { ReconcilerActivities } from '../activities/reconciler';
import type { ArrayJobState, SingleJobState } from '../model/jobStates';
import { outcomeOfTask } from '../model/outcome';
import { reconcilerAzureReason, reconcilerReason } from '../model/reconciliation';
import type { JobBody } from '../model/workflowInputs';
import { JobRecord } from './jobRecord';

/** What the reconciler knows of a job whose workflow closed before the job ended. */
export interface CloseOrphanedJobInput {
  connection: string;
  poolId: string;
  azureJobId: string;
  /** Why the job is being ended, e.g. "its workflow was terminated in Temporal". */
  why: string;
  jobType: 'Single' | 'Array';
  /** The state the closed run last recorded (its memo); its workflow deleted, the state it started from. */
  state: SingleJobState | ArrayJobState;
  /** What runs, as the Azure job records it: how an array's children are read. */
  bodyKind?: JobBody['kind'];
}

const retry: RetryPolicy = { initialInterval: '1 second', maximumInterval: '30 seconds' };
const azure = proxyActivities<Activities>({ startToCloseTimeout: '5 minutes', heartbeatTimeout: '1 minute', retry });
const reconciler = proxyActivities<ReconcilerActivities>({ startToCloseTimeout: '1 day', heartbeatTimeout: '1 minute', retry });

/** A single job's final status as Batch reports its task: its own outcome if it ended by itself, else the reconciler's reason. */
async function closedSingle(input: CloseOrphanedJobInput, reason: string, endedAt: string): Promise<SingleJobState> {
  const state = { ...(input.state as SingleJobState) };
  const task = await reconciler.finalTaskOf({ connection: input.connection, jobId: input.azureJobId, taskId: state.taskId });
  const outcome = task?.state === 'completed' ? outcomeOfTask(task) : undefined;
  const ownEnd = outcome !== undefined && (outcome.status === 'Succeeded' || task?.jobTerminateReason === undefined);
  Object.assign(state, ownEnd ? outcome : { status: 'Failed', statusReason: reason, exitCode: task?.exitCode });
  state.startedAt ??= task?.startTime;
  state.completedAt = task?.endTime ?? endedAt;
  return state;
}

/** An array's children as Batch ended them; every unfinished one Failed with the reconciler's reason. */
async function closedArray(input: CloseOrphanedJobInput, reason: string, endedAt: string): Promise<ArrayJobState> {
  const state = { ...(input.state as ArrayJobState) };
  const array = { connection: input.connection, jobId: input.azureJobId, childCount: state.childCount, bodyKind: input.bodyKind ?? 'command' };
  const progress = await azure.pollArrayProgress({ ...array, added: state.added, cursor: state.cursor, minWaitMs: 0, maxWaitMs: 0 });
  await azure.failUnfinishedChildren({ ...array, endedAt, statusReason: reason });
  await azure.publishArrayResults(array);
  const succeeded = progress.counts.succeeded;
  return { ...state, status: 'Completed', statusReason: reason, counts: { active: 0, running: 0, succeeded, failed: state.childCount - succeeded }, completedAt: endedAt, closed: true };
}

/**
 * A short run under the id of a job whose workflow was terminated, timed out or
 * cancelled with its Azure job still active. A closed run's memo and search
 * attributes cannot change, so this run ends the Azure job, records the final
 * status as Batch reports it, and closes the way the job ended: failed with
 * `RemoteBatchJobFailed`, or completed.
 */
export async function closeOrphanedJob(input: CloseOrphanedJobInput): Promise<SingleJobState | ArrayJobState> {
  const reason = reconcilerReason(input.why);
  const endedAt = new Date().toISOString();
  await reconciler.endOrphanedJob({ connection: input.connection, jobId: input.azureJobId, reason: reconcilerAzureReason(input.why), action: 'close' });
  const state = input.jobType === 'Single' ? await closedSingle(input, reason, endedAt) : await closedArray(input, reason, endedAt);
  const record = new JobRecord<SingleJobState | ArrayJobState>(state, input.connection);
  record.publish(`Closed by the reconciler: ${input.why}.`);
  if (state.status === 'Succeeded') return state;
  throw record.failed();
}
