import type { BatchServiceModels } from '@azure/batch';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { Context, log } from '@temporalio/activity';
import type { ConnectionClients } from '../azure/connectionClients';
import type { ArrayJobState } from '../model/arrayJob';
import { jobRecordOf } from '../model/azureJobRecord';
import type { JobBody, SingleJobState, TaskObservation } from '../model/jobSpec';
import {
  closedWorkflowReason,
  pendingUploadMetadata,
  reconcileActiveJob,
  staleRunsHorizonMs,
  staleRunsQuery,
  type WorkflowFacts,
} from '../model/reconciliation';
import { retryUntilMetadataKey, workflowIdMetadataKey } from '../model/retry';
import { azureJobIdKey, environmentKey, jobStatusKey, jobTypeKey } from '../model/searchAttributes';
import type { JobStatus } from '../model/status';
import { batchErrorCode } from './batchErrors';

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
  clients: ConnectionClients;
  temporal: Client;
  /** The connections whose Batch accounts and storage the reconciler looks at. */
  connectionNames: () => string[];
}

/** Each pass handles at most this many of each kind; the next pass takes the rest. */
const maxPerPass = 200;

interface DescribedWorkflow extends WorkflowFacts {
  jobType?: 'Single' | 'Array';
  state?: SingleJobState | ArrayJobState;
}

export function createReconcilerActivities({ clients, temporal, connectionNames }: ReconcilerDependencies) {
  async function describeWorkflow(workflowId: string): Promise<DescribedWorkflow | undefined> {
    try {
      const description = await temporal.workflow.getHandle(workflowId).describe();
      const state = description.memo?.state as (SingleJobState | ArrayJobState) | undefined;
      const typeAttribute = description.typedSearchAttributes.get(jobTypeKey);
      const jobType = typeAttribute === 'Single' || typeAttribute === 'Array' ? typeAttribute : undefined;
      return {
        executionStatus: description.status.name,
        closeTime: description.closeTime?.toISOString(),
        jobStatus: (description.typedSearchAttributes.get(jobStatusKey) ?? state?.status) as JobStatus | undefined,
        jobType,
        state,
      };
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw error;
    }
  }

  async function orphanedJobsOf(connection: string, gracePeriodMs: number, now: Date): Promise<OrphanedAzureJob[]> {
    const { batch } = clients.get(connection);
    const found: OrphanedAzureJob[] = [];
    const jobListOptions = { filter: "state eq 'active'", select: 'id,poolInfo,metadata,creationTime', maxResults: 1000 };
    let page = await batch.job.list({ jobListOptions });
    for (;;) {
      for (const job of page) {
        const workflowId = job.metadata?.find((item) => item.name === workflowIdMetadataKey)?.value;
        if (!workflowId || !job.id) continue;
        const workflow = await describeWorkflow(workflowId);
        const retryUntil = job.metadata?.find((item) => item.name === retryUntilMetadataKey)?.value;
        const createdAt = job.creationTime ? new Date(job.creationTime).toISOString() : undefined;
        const record = jobRecordOf(job.metadata);
        const decision = reconcileActiveJob({ createdAt, retryUntil, recorded: record !== undefined }, workflow, now, gracePeriodMs);
        if (decision.action === 'none') continue;
        // A deleted workflow's job is closed from the state it started with, as its Azure job recorded it.
        const known = workflow ? { jobType: workflow.jobType, state: workflow.state } : { jobType: record?.jobType, state: record?.state };
        const closeable = decision.action === 'close' && known.jobType !== undefined && known.state !== undefined;
        found.push({
          connection,
          poolId: job.poolInfo?.poolId ?? '',
          azureJobId: job.id,
          workflowId,
          action: closeable ? 'close' : 'terminate',
          why: decision.reason,
          ...(closeable ? { jobType: known.jobType, state: known.state } : {}),
          ...(record ? { bodyKind: record.bodyKind } : {}),
        });
        if (found.length >= maxPerPass) return found;
      }
      Context.current().heartbeat();
      if (!page.odatanextLink) return found;
      page = await batch.job.listNext(page.odatanextLink);
    }
  }

  /** Closed runs that are their job's latest and still say Active/Running, whose Azure job has ended on its own. */
  async function staleRuns(gracePeriodMs: number, now: Date, known: Set<string>): Promise<OrphanedAzureJob[]> {
    const found: OrphanedAzureJob[] = [];
    const query = staleRunsQuery(new Date(now.getTime() - staleRunsHorizonMs), new Date(now.getTime() - gracePeriodMs));
    for await (const run of temporal.workflow.list({ query })) {
      const [connection, poolId] = (run.typedSearchAttributes.get(environmentKey) ?? '').split('/');
      const azureJobId = run.typedSearchAttributes.get(azureJobIdKey);
      if (!azureJobId || !poolId || !known.has(connection)) continue;
      const latest = await temporal.workflow.getHandle(run.workflowId).describe();
      if (latest.runId !== run.runId) continue;
      const workflow = await describeWorkflow(run.workflowId);
      if (!workflow?.jobType || !workflow.state) continue;
      let azureState: string | undefined;
      let bodyKind: JobBody['kind'] | undefined;
      try {
        const azureJob = await clients.get(connection).batch.job.get(azureJobId, { jobGetOptions: { select: 'state,metadata' } });
        azureState = azureJob.state;
        bodyKind = jobRecordOf(azureJob.metadata)?.bodyKind;
      } catch (error) {
        if (batchErrorCode(error) !== 'JobNotFound') throw error;
      }
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
    const { blobs } = clients.get(connection);
    const found: AbandonedUpload[] = [];
    for await (const container of blobs.listContainers({ prefix: 'job-', includeMetadata: true })) {
      const uploadedAt = container.metadata?.[pendingUploadMetadata.uploadedAt];
      const workflowId = container.metadata?.[pendingUploadMetadata.workflowId];
      if (!uploadedAt || !workflowId || !(now.getTime() - Date.parse(uploadedAt) > gracePeriodMs)) continue;
      if (await describeWorkflow(workflowId)) {
        // It started after all (the client stopped before clearing the mark): never look at it again.
        await blobs.getContainerClient(container.name).setMetadata({ [pendingUploadMetadata.workflowId]: workflowId });
        continue;
      }
      found.push({ connection, container: container.name, workflowId });
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

    /** Deletes an abandoned upload, checking first that its workflow still does not exist. */
    async deleteAbandonedUpload(upload: AbandonedUpload): Promise<boolean> {
      if (await describeWorkflow(upload.workflowId)) return false;
      await clients.get(upload.connection).blobs.getContainerClient(upload.container).deleteIfExists();
      return true;
    },

    /**
     * Waits (heartbeating) until a terminated Azure job has completed, then
     * returns its task as Batch reports it; undefined when the task (or the job) was never created.
     */
    async finalTaskOf(input: { connection: string; jobId: string; taskId: string }): Promise<TaskObservation | undefined> {
      const { batch } = clients.get(input.connection);
      for (let intervalMs = 250; ; intervalMs = Math.min(intervalMs * 1.5, 5000)) {
        let job: BatchServiceModels.CloudJob;
        try {
          job = await batch.job.get(input.jobId, { jobGetOptions: { select: 'state,executionInfo' } });
        } catch (error) {
          if (batchErrorCode(error) === 'JobNotFound') return undefined;
          throw error;
        }
        if (job.state === 'completed') {
          try {
            const task = await batch.task.get(input.jobId, input.taskId);
            const info = task.executionInfo;
            const terminateReason = job.executionInfo?.terminateReason;
            return {
              state: (task.state ?? 'active') as TaskObservation['state'],
              exitCode: info?.exitCode,
              result: info?.result,
              startTime: info?.startTime ? new Date(info.startTime).toISOString() : undefined,
              endTime: info?.endTime ? new Date(info.endTime).toISOString() : undefined,
              ...(terminateReason && terminateReason !== 'AllTasksComplete' ? { jobTerminateReason: terminateReason } : {}),
              jobCompleted: true,
            };
          } catch (error) {
            if (batchErrorCode(error) === 'TaskNotFound') return undefined;
            throw error;
          }
        }
        Context.current().heartbeat(job.state);
        await Context.current().sleep(intervalMs);
      }
    },
  };
}

export type ReconcilerActivities = ReturnType<typeof createReconcilerActivities>;
