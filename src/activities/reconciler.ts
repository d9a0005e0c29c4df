import type { Client } from '@temporalio/client';
import { Context, log } from '@temporalio/activity';
import type { AzureGateways } from '../azure/gateways';
import { describeLatestRun } from '../client/workflowRuns';
import { recordReconcilerAction } from '../telemetry/metrics';
import type { ArrayJobState, SingleJobState } from '../model/jobStates';
import type { TaskObservation } from '../model/taskObservation';
import type { JobBody } from '../model/workflowInputs';
import {
  closedWorkflowReason,
  reconcileActiveJob,
  staleRunsHorizonMs,
  staleRunsQuery,
  type WorkflowFacts,
} from '../model/reconciliation';
import { azureJobIdKey, environmentKey, jobStatusKey, jobTypeKey } from '../model/searchAttributes';
import type { JobStatus } from '../model/status';

/** An active Azure job whose workflow is closed or gone, and what to do about it. */
export interface OrphanedAzureJob {
  connection: string;
  poolId: string;
  azureJobId: string;
  workflowId: string;
  action: 'terminate' | 'close';
  /** Why, in words a user reads in JobStatusReason and the worker log. */
  why: string;
  /** For 'close': the job's kind and the state its workflow last recorded (or, its workflow deleted, the state it started from). */
  jobType?: 'Single' | 'Array';
  state?: SingleJobState | ArrayJobState;
  /** What runs, as the Azure job records it; absent for jobs created before they did. */
  bodyKind?: JobBody['kind'];
}

/** A client upload (blob container) whose workflow never started. */
export interface AbandonedUpload {
  connection: string;
  container: string;
  workflowId: string;
}

export interface OrphanedWork {
  jobs: OrphanedAzureJob[];
  uploads: AbandonedUpload[];
}

export interface ReconcilerDependencies {
  gateways: AzureGateways;
  temporal: Client;
  /** The connections whose Batch accounts and storage the reconciler looks at. */
  connectionNames: () => string[];
}

/** Each pass handles at most this many of each kind; the next pass takes the rest. */
const maxPerPass = 200;

interface DescribedWorkflow extends WorkflowFacts {
  runId: string;
  jobType?: 'Single' | 'Array';
  state?: SingleJobState | ArrayJobState;
}

export function reconcilerActivities({ gateways, temporal, connectionNames }: ReconcilerDependencies) {
  async function describeWorkflow(workflowId: string): Promise<DescribedWorkflow | undefined> {
    const description = await describeLatestRun(temporal, workflowId);
    if (!description) return undefined;
    const state = description.memo?.state as (SingleJobState | ArrayJobState) | undefined;
    const typeAttribute = description.typedSearchAttributes.get(jobTypeKey);
    return {
      runId: description.runId,
      executionStatus: description.status.name,
      closeTime: description.closeTime?.toISOString(),
      jobStatus: (description.typedSearchAttributes.get(jobStatusKey) ?? state?.status) as JobStatus | undefined,
      jobType: typeAttribute === 'Single' || typeAttribute === 'Array' ? typeAttribute : undefined,
      state,
    };
  }

  async function orphanedJobsOf(connection: string, gracePeriodMs: number, now: Date): Promise<OrphanedAzureJob[]> {
    const found: OrphanedAzureJob[] = [];
    for await (const page of gateways.get(connection).batch.activeJobs()) {
      for (const job of page) {
        if (!job.owner) continue;
        const workflow = await describeWorkflow(job.owner);
        const decision = reconcileActiveJob({ createdAt: job.createdAt, retryUntil: job.retryUntil, recorded: job.record !== undefined }, workflow, now, gracePeriodMs);
        if (decision.action === 'none') continue;
        // A deleted workflow's job is closed from the state it started with, as its Azure job recorded it.
        const known = workflow ? { jobType: workflow.jobType, state: workflow.state } : { jobType: job.record?.jobType, state: job.record?.state };
        const closeable = decision.action === 'close' && known.jobType !== undefined && known.state !== undefined;
        found.push({
          connection,
          poolId: job.poolId,
          azureJobId: job.id,
          workflowId: job.owner,
          action: closeable ? 'close' : 'terminate',
          why: decision.reason,
          ...(closeable ? { jobType: known.jobType, state: known.state } : {}),
          ...(job.record ? { bodyKind: job.record.bodyKind } : {}),
        });
        if (found.length >= maxPerPass) return found;
      }
      Context.current().heartbeat();
    }
    return found;
  }

  /** Closed runs that are their job's latest and still say Active/Running, whose Azure job has ended on its own. */
  async function staleRuns(gracePeriodMs: number, now: Date, known: Set<string>): Promise<OrphanedAzureJob[]> {
    const found: OrphanedAzureJob[] = [];
    const query = staleRunsQuery(new Date(now.getTime() - staleRunsHorizonMs), new Date(now.getTime() - gracePeriodMs));
    for await (const run of temporal.workflow.list({ query })) {
      const [connection, poolId] = (run.typedSearchAttributes.get(environmentKey) ?? '').split('/');
      const azureJobId = run.typedSearchAttributes.get(azureJobIdKey);
      if (!azureJobId || !poolId || !known.has(connection)) continue;
      const workflow = await describeWorkflow(run.workflowId);
      if (workflow?.runId !== run.runId || !workflow.jobType || !workflow.state) continue;
      const azureJob = await gateways.get(connection).batch.jobFacts(azureJobId);
      const azureState = azureJob?.state;
      const bodyKind = azureJob?.record?.bodyKind;
      // An active Azure job is the other scan's. A single job whose workflow ended before it created its Azure job is closed too.
      if (azureState === 'active' || azureState === 'terminating' || (azureState === undefined && workflow.jobType !== 'Single')) continue;
      found.push({
        connection,
        poolId,
        azureJobId,
        workflowId: run.workflowId,
        action: 'close',
        why: closedWorkflowReason(workflow.executionStatus),
        jobType: workflow.jobType,
        state: workflow.state,
        ...(bodyKind ? { bodyKind } : {}),
      });
      if (found.length >= maxPerPass) break;
    }
    return found;
  }

  async function abandonedUploadsOf(connection: string, gracePeriodMs: number, now: Date): Promise<AbandonedUpload[]> {
    const { storage } = gateways.get(connection);
    const found: AbandonedUpload[] = [];
    for await (const upload of storage.pendingUploads()) {
      if (!(now.getTime() - Date.parse(upload.uploadedAt) > gracePeriodMs)) continue;
      if (await describeWorkflow(upload.workflowId)) {
        // It started after all (the client stopped before clearing the mark): never look at it again.
        await storage.markStarted(upload.container, upload.workflowId);
        continue;
      }
      found.push({ connection, container: upload.container, workflowId: upload.workflowId });
      if (found.length >= maxPerPass) break;
    }
    return found;
  }

  return {
    /** One look at every known connection: active Azure jobs whose workflow is closed or gone, and abandoned uploads. */
    async findOrphanedWork(input: { gracePeriodMs: number }): Promise<OrphanedWork> {
      const now = new Date();
      const work: OrphanedWork = { jobs: [], uploads: [] };
      const connections = connectionNames();
      work.jobs.push(...(await staleRuns(input.gracePeriodMs, now, new Set(connections))));
      for (const connection of connections) {
        try {
          work.jobs.push(...(await orphanedJobsOf(connection, input.gracePeriodMs, now)));
          work.uploads.push(...(await abandonedUploadsOf(connection, input.gracePeriodMs, now)));
        } catch (error) {
          // One unreachable account must not keep the others from being reconciled.
          log.warn(`reconciler: connection '${connection}' skipped this pass: ${(error as Error).message.split('\n')[0]}`);
        }
      }
      return work;
    },

    /** Ends an Azure job whose workflow closed before it did: terminated alone, or before a run records its final status ('close'). */
    async endOrphanedJob(input: { connection: string; jobId: string; reason: string; action: 'terminate' | 'close' }): Promise<void> {
      await gateways.get(input.connection).batch.terminateJob(input.jobId, input.reason);
      recordReconcilerAction(input.action === 'close' ? 'close_job' : 'terminate_azure_job');
    },

    /** Deletes an abandoned upload, checking first that its workflow still does not exist. */
    async deleteAbandonedUpload(upload: AbandonedUpload): Promise<boolean> {
      if (await describeWorkflow(upload.workflowId)) return false;
      await gateways.get(upload.connection).storage.deleteContainer(upload.container);
      recordReconcilerAction('delete_upload');
      return true;
    },

    /**
     * Waits (heartbeating) until a terminated Azure job has completed, then
     * returns its task as Batch reports it; undefined when the task (or the job) was never created.
     */
    async finalTaskOf(input: { connection: string; jobId: string; taskId: string }): Promise<TaskObservation | undefined> {
      const { batch } = gateways.get(input.connection);
      for (let intervalMs = 250; ; intervalMs = Math.min(intervalMs * 1.5, 5000)) {
        const job = await batch.jobFacts(input.jobId);
        if (!job) return undefined;
        if (job.state === 'completed') return (await batch.taskExists(input.jobId, input.taskId)) ? batch.observeTask(input.jobId, input.taskId, { withJob: true }) : undefined;
        Context.current().heartbeat(job.state);
        await Context.current().sleep(intervalMs);
      }
    },
  };
}

export type ReconcilerActivities = ReturnType<typeof reconcilerActivities>;
