import {
  type RetryPolicy,
  log,
  ParentClosePolicy,
  proxyActivities,
  sleep,
  startChild,
  WorkflowIdReusePolicy,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { OrphanedAzureJob, ReconcilerActivities } from '../activities/reconciler';
import { maxPassesPerRun, reconcilerAzureReason } from '../model/reconciliation';
import { jobSearchAttributes } from '../model/searchAttributes';
import { closeOrphanedJob } from './orphanedJob';

export interface ReconcileInput {
  gracePeriodMs: number;
  /** Time between passes; a run makes passes for about an hour (one pass when absent). */
  intervalMs?: number;
}

interface PassTotals {
  terminated: number;
  closed: number;
  uploadsDeleted: number;
}

/** How long one run keeps making passes: its Schedule skips its firings meanwhile, so the workflow list gains a run an hour, not one per pass. */
const runLengthMs = 3_600_000;

const retry: RetryPolicy = { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 5 };
const reconciler = proxyActivities<ReconcilerActivities>({ startToCloseTimeout: '30 minutes', heartbeatTimeout: '2 minutes', retry });

/**
 * The reconciler, started by the worker's Temporal Schedule: no Azure job
 * outlives its workflow, no upload outlives a start that never happened. A run
 * makes a pass every `intervalMs` for about an hour.
 */
export async function reconcileOrphans(input: ReconcileInput): Promise<PassTotals> {
  const passes = input.intervalMs ? Math.min(maxPassesPerRun, Math.max(1, Math.floor(runLengthMs / input.intervalMs))) : 1;
  const totals: PassTotals = { terminated: 0, closed: 0, uploadsDeleted: 0 };
  for (let pass = 0; pass < passes; pass++) {
    if (pass > 0) await sleep(input.intervalMs!);
    await reconcilePass(input.gracePeriodMs, totals);
  }
  return totals;
}

/** One look at every connection; what it ends or deletes is added to `totals`. */
async function reconcilePass(gracePeriodMs: number, totals: PassTotals): Promise<void> {
  const work = await reconciler.findOrphanedWork({ gracePeriodMs });
  for (const job of work.jobs) {
    if (job.action === 'close' && (await startClosingRun(job))) {
      totals.closed++;
      log.info(`reconciler: ending Azure job ${job.azureJobId} (connection ${job.connection}) and recording its final status: ${job.why}`);
    } else if (job.action === 'terminate') {
      await reconciler.endOrphanedJob({ connection: job.connection, jobId: job.azureJobId, reason: reconcilerAzureReason(job.why), action: 'terminate' });
      totals.terminated++;
      log.info(`reconciler: terminated Azure job ${job.azureJobId} (connection ${job.connection}): ${job.why}`);
    }
  }
  for (const upload of work.uploads) {
    if (!(await reconciler.deleteAbandonedUpload(upload))) continue;
    totals.uploadsDeleted++;
    log.info(`reconciler: deleted container ${upload.container} (connection ${upload.connection}): its workflow ${upload.workflowId} never started`);
  }
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
      staticDetails: [
        `- **job**: \`${job.workflowId}\` (${job.jobType === 'Array' ? 'array' : 'single'} job, Azure job \`${job.azureJobId}\` on pool \`${job.poolId}\`)`,
        `- **why**: ${job.why}`,
        '- **what this run does**: ends the Azure job and records the final status as Batch reports it; the job\'s earlier run holds its history',
      ].join('\n'),
    });
    return true;
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return false;
    throw error;
  }
}
