import { type Client, type WorkflowExecutionDescription, WorkflowNotFoundError } from '@temporalio/client';
import { RemoteBatchError } from '../model/errors';
import { type ArrayJobState, initialArrayJobState, initialSingleJobState, type SingleJobState } from '../model/jobStates';
import { resumedArrayJobState, resumedSingleJobState } from '../model/retry';
import { arrayJobInputSchema, retryInputSchema, singleJobInputSchema } from '../model/workflowInputs';
import { withTemporal } from './abort';
import type { BatchEnvironment } from './environment';
import { waitingReason } from './waitingReason';
import { startOf } from './workflowRuns';

/** No such job in this environment; `belongsTo` names the environment of a job that is another's. */
export class JobNotFoundError extends RemoteBatchError {
  readonly belongsTo?: { poolId: string; connection: string };

  /** `owner`: the job's environment search attribute, `<connection>/<pool>`. */
  constructor(readonly jobId: string, env: BatchEnvironment, owner?: string) {
    const cut = owner?.lastIndexOf('/') ?? -1;
    const belongsTo = owner ? { poolId: owner.slice(cut + 1), connection: owner.slice(0, cut) } : undefined;
    super(`No job ${jobId} in this environment (${env})${belongsTo ? `; it belongs to pool ${belongsTo.poolId}, connection ${belongsTo.connection}` : ''}.`, 'JobNotFound', 404);
    this.name = 'JobNotFoundError';
    this.belongsTo = belongsTo;
  }
}

/** A job whose Azure job and blob container were deleted (`remote-batch delete`, `clean`): its state is kept, its logs, outputs and result are not. */
export class JobDeletedError extends RemoteBatchError {
  constructor(readonly jobId: string, container: string, what: string) {
    super(
      `${jobId} was deleted: its blob container ${container} is gone (remote-batch delete or clean removed it), so its ${what} can no longer be read. ` +
        `Its status still can: remote-batch status ${jobId}.`,
      'JobDeleted',
      404,
    );
    this.name = 'JobDeletedError';
  }
}

type JobState = SingleJobState | ArrayJobState;

/**
 * The state a run starts from, for the moment before its first workflow task
 * writes its memo (or while no worker runs): worked out from its input by the
 * same functions the workflow uses.
 */
async function stateBeforeMemo(client: Client, description: WorkflowExecutionDescription): Promise<JobState | undefined> {
  const { input, workflowType } = await startOf(client, description.workflowId, description.runId);
  const retry = retryInputSchema.safeParse(input);
  if (retry.success) {
    const previous = (await client.workflow.getHandle(description.workflowId, retry.data.retry.previousRunId).describe()).memo?.state as JobState | undefined;
    if (!previous) return undefined;
    return 'childCount' in previous ? resumedArrayJobState(previous, retry.data.retry.previousRunId) : resumedSingleJobState(previous, retry.data.retry.previousRunId);
  }
  const submittedAt = description.startTime.toISOString();
  if (workflowType === 'singleJob') {
    const parsed = singleJobInputSchema.safeParse(input);
    return parsed.success ? initialSingleJobState(parsed.data, parsed.data.jobId ?? description.workflowId, parsed.data.submittedAt ?? submittedAt) : undefined;
  }
  const parsed = arrayJobInputSchema.safeParse(input);
  return parsed.success ? initialArrayJobState(parsed.data, parsed.data.jobId ?? description.workflowId, parsed.data.submittedAt ?? submittedAt) : undefined;
}

export interface LatestRun<T extends JobState> {
  running: boolean;
  runId: string;
  state?: T;
  description: WorkflowExecutionDescription;
}

/** The job's latest run: whether it still runs, its id, and its state. */
export function latestRun<T extends JobState>(env: BatchEnvironment, jobId: string, signal?: AbortSignal): Promise<LatestRun<T>> {
  return withTemporal(env, signal, async (client) => {
    try {
      const description = await client.workflow.getHandle(jobId).describe();
      const state = (description.memo?.state as T | undefined) ?? ((await stateBeforeMemo(client, description)) as T | undefined);
      return { running: description.status.name === 'RUNNING', runId: description.runId, state, description };
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw new JobNotFoundError(jobId, env);
      throw error;
    }
  });
}

/**
 * A job's state from its workflow's memo, so it reads even when no worker is
 * running. `isKind` tells a Single job's state from an array's: asking for the
 * wrong kind is "not found" too.
 */
export async function readJobState<T extends JobState>(env: BatchEnvironment, jobId: string, isKind: (state: JobState) => state is T, signal?: AbortSignal): Promise<T> {
  const state = await sharedStateRead(env, jobId, signal);
  if (!isKind(state)) throw new JobNotFoundError(jobId, env);
  return state;
}

type StateRead = { signal?: AbortSignal; read: Promise<JobState> };
const readsInFlight = new WeakMap<BatchEnvironment, Map<string, StateRead[]>>();

/**
 * Reads of one job's state that overlap share one describe: `status` asks for
 * a dozen properties at once, and each would otherwise be a call to Temporal.
 * A read that starts after another ended reads afresh.
 */
function sharedStateRead(env: BatchEnvironment, jobId: string, signal?: AbortSignal): Promise<JobState> {
  let reads = readsInFlight.get(env);
  if (!reads) readsInFlight.set(env, (reads = new Map()));
  const pending = reads.get(jobId) ?? [];
  const overlapping = pending.find((read) => read.signal === signal);
  if (overlapping) return overlapping.read;
  const entry: StateRead = { signal, read: readStateOnce(env, jobId, signal) };
  reads.set(jobId, [...pending, entry]);
  const forget = () => {
    const left = (reads.get(jobId) ?? []).filter((read) => read !== entry);
    if (left.length) reads.set(jobId, left);
    else reads.delete(jobId);
  };
  entry.read.then(forget, forget);
  return entry.read;
}

function readStateOnce(env: BatchEnvironment, jobId: string, signal?: AbortSignal): Promise<JobState> {
  return withTemporal(env, signal, async () => {
    const { state, description } = await latestRun<JobState>(env, jobId);
    if (!state) throw new JobNotFoundError(jobId, env);
    // While it waits on a Batch limit, its pool or a worker, its reason says so.
    if (state.statusReason === undefined && (state.status === 'Active' || state.status === 'Running')) {
      const waiting = await waitingReason(env, description, state.submittedAt);
      if (waiting) return { ...state, statusReason: waiting };
    }
    return state;
  });
}

export const isSingleJobState = (state: JobState): state is SingleJobState => !('childCount' in state);
export const isArrayJobState = (state: JobState): state is ArrayJobState => 'childCount' in state;
