import { type Client, WorkflowFailedError, type WorkflowHandle, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { ArrayJobState, SingleJobState } from '../../../src/model/jobStates';
import type { ArrayJobInput, SingleJobInput } from '../../../src/model/workflowInputs';
import { taskQueue } from './timeSkipping';

let counter = 0;
export function uniqueJobId(prefix: string): string {
  return `${prefix}-${++counter}`;
}

export function singleJobInput(jobId: string, extra: Partial<SingleJobInput> = {}): SingleJobInput {
  return { jobId, environment: { poolId: 'cpu-pool', connection: 'local' }, body: { kind: 'command', commandLine: 'python3 work.py' }, ...extra };
}

export function arrayJobInput(jobId: string, elementCount: number, extra: Partial<ArrayJobInput> = {}): ArrayJobInput {
  return { jobId, environment: { poolId: 'cpu-pool', connection: 'local' }, body: { kind: 'command', commandLine: 'python3 child.py' }, elementCount, ...extra };
}

type JobType = 'singleJob' | 'arrayJob';

export function startJob(client: Client, type: JobType, input: SingleJobInput | ArrayJobInput): Promise<WorkflowHandleWithFirstExecutionRunId> {
  return client.workflow.start(type, { taskQueue, workflowId: input.jobId!, args: [input] });
}

/** A retry run, as `remote-batch retry` and any-language clients start it: the same workflow id, naming the run retried. */
export function startRetry(client: Client, type: JobType, jobId: string, previousRunId: string): Promise<WorkflowHandleWithFirstExecutionRunId> {
  return client.workflow.start(type, { taskQueue, workflowId: jobId, args: [{ retry: { previousRunId } }], workflowIdReusePolicy: 'ALLOW_DUPLICATE' });
}

export interface RunEnding<S> {
  closed: 'completed' | 'failed' | 'cancelled';
  /** The job's final state: the result, the failure's details, or a cancelled run's memo. */
  state?: S;
  /** The failure's type (RemoteBatchJobFailed, RemoteBatchRetryRefused, InvalidInput …) and message. */
  failureType?: string;
  message?: string;
}

/** How a run ended, as a client reading its result sees it (awaiting it lets the test server skip time). */
export async function endingOf<S = SingleJobState | ArrayJobState>(handle: WorkflowHandle): Promise<RunEnding<S>> {
  try {
    return { closed: 'completed', state: (await handle.result()) as S };
  } catch (error) {
    if (!(error instanceof WorkflowFailedError)) throw error;
    const { cause } = error;
    // A cancelled run's final state is in its memo (docs/any-language.md), where every client can read it.
    if (cause instanceof CancelledFailure) return { closed: 'cancelled', state: (await handle.describe()).memo?.state as S, message: cause.message };
    if (cause instanceof ApplicationFailure) return { closed: 'failed', state: cause.details?.[0] as S, failureType: cause.type ?? undefined, message: cause.message };
    throw error;
  }
}
