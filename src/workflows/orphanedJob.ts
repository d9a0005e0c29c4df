import { ApplicationFailure, type RetryPolicy, patched, proxyActivities, setCurrentDetails, upsertMemo, upsertSearchAttributes } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { ReconcilerActivities } from '../activities/reconciler';
import type { ArrayJobState } from '../model/arrayJob';
import type { JobBody, SingleJobState } from '../model/jobSpec';
import { outcomeOfTask } from '../model/outcome';
import { reconcilerAzureReason, reconcilerReason } from '../model/reconciliation';
import { jobFailedType } from '../model/retry';
import { childrenFailedKey, childrenRunningKey, childrenSucceededKey, jobSearchAttributes } from '../model/searchAttributes';

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
  /** What runs, as the Azure job records it: how an array's children are read. Absent: a command (jobs created before it was recorded). */
  bodyKind?: JobBody['kind'];
}

const retry: RetryPolicy = { initialInterval: '1 second', maximumInterval: '30 seconds' };
const azure = proxyActivities<Activities>({ startToCloseTimeout: '5 minutes', retry });
const reconciler = proxyActivities<ReconcilerActivities>({ startToCloseTimeout: '1 day', heartbeatTimeout: '1 minute', retry });

/**
 * A short run under the id of a job whose workflow was terminated, timed out or
 * cancelled with its Azure job still active. A closed run's memo and search
 * attributes cannot change, so this run ends the Azure job, records the final
 * status as Batch reports it (memo, search attributes, details), and closes
 * the way the job ended: failed with `RemoteBatchJobFailed`, or completed.
 */
export async function closeOrphanedJob(input: CloseOrphanedJobInput): Promise<SingleJobState | ArrayJobState> {
  const { connection, poolId, azureJobId: jobId } = input;
  const reason = reconcilerReason(input.why);
  const endedAt = new Date().toISOString();
  await azure.terminateAzureJob({ connection, jobId, reason: reconcilerAzureReason(input.why) });

  if (input.jobType === 'Single') {
    const state = { ...(input.state as SingleJobState) };
    const task = await reconciler.finalTaskOf({ connection, jobId, taskId: state.taskId });
    // A task that ended on its own (the job ended with it, not by a terminate) keeps its own outcome.
    const outcome = task?.state === 'completed' ? outcomeOfTask(task) : undefined;
    const ownEnd = outcome !== undefined && (outcome.status === 'Succeeded' || task?.jobTerminateReason === undefined);
    Object.assign(state, ownEnd ? outcome : { status: 'Failed', statusReason: reason, exitCode: task?.exitCode });
    state.startedAt ??= task?.startTime;
    state.completedAt = task?.endTime ?? endedAt;
    upsertMemo({ state });
    upsertSearchAttributes(jobSearchAttributes({ status: state.status, type: 'Single', poolId, jobId, connection }));
    setCurrentDetails(`**${state.status}** — Azure job \`${jobId}\` on pool \`${poolId}\`\n\nReason: ${state.statusReason ?? ''}`);
    if (state.status === 'Succeeded') return state;
    throw ApplicationFailure.create({ type: jobFailedType, message: reason, nonRetryable: true, details: [state] });
  }

  const state = { ...(input.state as ArrayJobState) };
  const bodyKind = input.bodyKind ?? 'command';
  const progress = await azure.pollArrayProgress({
    connection,
    jobId,
    childCount: state.childCount,
    added: state.added,
    cursor: state.cursor,
    minWaitMs: 0,
    maxWaitMs: 0,
    // A script child's result and error are read as its task is recorded; a command child's result files are gathered below.
    bodyKind,
  });
  await azure.failUnfinishedChildren({ connection, jobId, childCount: state.childCount, reason, abortedAt: endedAt, statusReason: reason });
  // Closing runs started before this kept no result of a command child that had succeeded.
  if (bodyKind === 'command' && patched('closing-run-gathers-results')) await azure.gatherArrayResults({ connection, jobId, childCount: state.childCount });
  const succeeded = progress.counts.succeeded;
  Object.assign(state, {
    status: 'Completed',
    statusReason: reason,
    counts: { active: 0, running: 0, succeeded, failed: state.childCount - succeeded },
    completedAt: endedAt,
    closed: true,
  } satisfies Partial<ArrayJobState>);
  upsertMemo({ state });
  upsertSearchAttributes([
    ...jobSearchAttributes({ status: state.status, type: 'Array', poolId, jobId, connection }),
    { key: childrenRunningKey, value: 0 },
    { key: childrenSucceededKey, value: succeeded },
    { key: childrenFailedKey, value: state.counts.failed },
  ]);
  setCurrentDetails(
    `**${state.status}** — array of ${state.childCount} children, Azure job \`${jobId}\` on pool \`${poolId}\`\n\n` +
      `| active | running | succeeded | failed |\n|---|---|---|---|\n| 0 | 0 | ${succeeded} | ${state.counts.failed} |\n\nReason: ${reason}`,
  );
  throw ApplicationFailure.create({ type: jobFailedType, message: reason, nonRetryable: true, details: [state] });
}
