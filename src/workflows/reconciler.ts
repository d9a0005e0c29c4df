import {
  type RetryPolicy,
  log,
  ParentClosePolicy,
  proxyActivities,
  startChild,
  WorkflowIdReusePolicy,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { OrphanedAzureJob, ReconcilerActivities } from '../activities/reconciler';
import { reconcilerAzureReason } from '../model/reconciliation';
import { jobSearchAttributes } from '../model/searchAttributes';
import { closeOrphanedJob } from './orphanedJob';

export interface ReconcileInput {
  gracePeriodMs: number;
}

const retry: RetryPolicy = { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 5 };
const reconciler = proxyActivities<ReconcilerActivities>({ startToCloseTimeout: '30 minutes', heartbeatTimeout: '2 minutes', retry });

/**
 * One pass of the reconciler (the worker's Temporal Schedule starts one per
 * interval): no Azure job outlives its workflow, no upload outlives a start
 * that never happened.
 */
export async function reconcileOrphans(input: ReconcileInput): Promise<{ terminated: number; closed: number; uploadsDeleted: number }> {
  const work = await reconciler.findOrphanedWork({ gracePeriodMs: input.gracePeriodMs });
  let terminated = 0;
  let closed = 0;
  for (const job of work.jobs) {
    if (job.action === 'close' && (await startClosingRun(job))) {
      closed++;
      log.info(`reconciler: ending Azure job ${job.azureJobId} (connection ${job.connection}) and recording its final status: ${job.why}`);
    } else if (job.action === 'terminate') {
      await reconciler.endOrphanedJob({ connection: job.connection, jobId: job.azureJobId, reason: reconcilerAzureReason(job.why), action: 'terminate' });
      terminated++;
      log.info(`reconciler: terminated Azure job ${job.azureJobId} (connection ${job.connection}): ${job.why}`);
    }
  }
  let uploadsDeleted = 0;
  for (const upload of work.uploads) {
    if (!(await reconciler.deleteAbandonedUpload(upload))) continue;
    uploadsDeleted++;
    log.info(`reconciler: deleted container ${upload.container} (connection ${upload.connection}): its workflow ${upload.workflowId} never started`);
  }
  return { terminated, closed, uploadsDeleted };
}

/** False when a run under that id is already open (someone else restarted it): nothing to do then. */
async function startClosingRun(job: OrphanedAzureJob): Promise<boolean> {
  try {
    await startChild(closeOrphanedJob, {
      workflowId: job.workflowId,
      args: [
        {
          connection: job.connection,
          poolId: job.poolId,
          azureJobId: job.azureJobId,
          why: job.why,
          jobType: job.jobType!,
          state: job.state!,
          ...(job.bodyKind ? { bodyKind: job.bodyKind } : {}),
        },
      ],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      memo: { state: job.state },
      typedSearchAttributes: jobSearchAttributes({
        status: job.state!.status,
        type: job.jobType!,
        poolId: job.poolId,
        jobId: job.azureJobId,
        connection: job.connection,
        name: job.state!.name,
        labels: job.state!.labels,
      }),
      staticSummary: `Closing job ${job.workflowId}: ${job.why}`,
    });
    return true;
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return false;
    throw error;
  }
}
