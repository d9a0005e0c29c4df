import { providerSettings } from '../model/settings';
import type { ArrayJobState } from '../model/arrayJob';
import { childTaskId } from '../model/arrayJob';
import type { SingleJobStatus } from '../model/status';
import { ArrayChildJob } from './arrayChildJob';
import { type ArrayJobPropertyName, arrayJobPropertyNames } from './arrayProperties';
import { readAllChildShards } from './childShards';
import type { BatchEnvironment } from './environment';
import { JobNotFoundError, readJobState } from './jobState';
import { checkRetryable, latestRun, startRetryRun } from './retryRun';
import { resumedArrayJobState } from '../model/retry';
import { abortChildSignal, abortSignal, retryFailedUpdate } from '../workflows/arrayMessages';
import { UnknownPropertyError } from './properties';
import { taskJobReaders } from './taskJobReaders';

const statusOfLetter: Record<string, SingleJobStatus> = { A: 'Active', R: 'Running', S: 'Succeeded', F: 'Failed' };

/** The seed's "Array" job object (RemoteBatchMapSubmit). */
export class ArrayJob {
  readonly jobType = 'Array';

  constructor(readonly environment: BatchEnvironment, readonly jobId: string) {}

  private async handle() {
    return (await this.environment.client()).workflow.getHandle(this.jobId);
  }

  /** From the workflow's memo: readable with no worker running. */
  state(): Promise<ArrayJobState> {
    return readJobState<ArrayJobState>(this.environment, this.jobId, (state) => state.childCount !== undefined);
  }

  /** Child n (1-based), like the seed's `arr["ChildJobObjects"][[n]]`. */
  child(index: number): ArrayChildJob {
    if (!Number.isInteger(index) || index < 1) throw new RangeError(`A child index is a whole number from 1; got ${index}.`);
    return new ArrayChildJob(this, index);
  }

  async get(property: string): Promise<unknown> {
    if (!(arrayJobPropertyNames as readonly string[]).includes(property)) throw new UnknownPropertyError(property, arrayJobPropertyNames);
    const state = await this.state();
    const finished = state.status === 'Completed';
    const shards = () => readAllChildShards(this.environment, state);
    switch (property as ArrayJobPropertyName) {
      case 'JobStatus':
        return state.status;
      case 'JobType':
        return this.jobType;
      case 'JobUUID':
        return this.jobId.replace(/^rb-/, '');
      case 'Provider':
        return 'AzureBatch';
      case 'Environment':
        return this.environment.toString();
      case 'JobInProgressQ':
        return !finished;
      case 'JobSucceededQ':
        return finished && state.counts.failed === 0 && state.abortReason === undefined;
      case 'JobFailedQ':
        return finished && (state.counts.failed > 0 || state.abortReason !== undefined);
      case 'JobStatusReason':
        return state.statusReason;
      case 'ProviderJobID':
        return state.jobId;
      case 'ProviderFirstTaskID':
        return childTaskId(1);
      case 'JobSubmissionTime':
        return new Date(state.submittedAt);
      case 'JobStartTime':
        return state.startedAt ? new Date(state.startedAt) : undefined;
      case 'JobCompletionTime':
        return state.completedAt ? new Date(state.completedAt) : undefined;
      case 'ChildJobCount':
        return state.childCount;
      case 'ChildJobObjects':
        return Array.from({ length: state.childCount }, (_, i) => this.child(i + 1));
      case 'ChildJobStatuses':
        return (await shards()).flatMap((shard) => [...shard.statuses].map((letter) => statusOfLetter[letter]));
      case 'ChildJobExitCodes':
        return (await shards()).flatMap((shard) => shard.exitCodes.map((code) => code ?? undefined));
      case 'ChildJobStatusReasons':
        return (await shards()).flatMap((shard) => shard.reasons.map((reason) => reason ?? undefined));
      case 'ChildJobEvaluationResults':
        return (await shards()).flatMap((shard) => shard.results);
      case 'ChildJobEvaluationData':
        return Promise.all(
          (await shards()).flatMap((shard) =>
            [...shard.statuses].map((letter, at) =>
              taskJobReaders(this.environment, { jobId: state.jobId, taskId: childTaskId(shard.first + at), status: statusOfLetter[letter] }, { value: shard.results[at] }).evaluationData(),
            ),
          ),
        );
      case 'ChildJobCounts':
        return { ...state.counts };
      case 'JobInputFilenames':
        return state.inputNames;
      case 'ProviderSettings':
        return providerSettings(state.settings);
      case 'Properties':
        return [...arrayJobPropertyNames];
    }
  }

  /** Resolves once every child completed (or was terminated). */
  async wait(options: { abortSignal?: AbortSignal; pollIntervalInMs?: number } = {}): Promise<'Completed'> {
    for (;;) {
      options.abortSignal?.throwIfAborted();
      if ((await this.state()).status === 'Completed') return 'Completed';
      await new Promise((resolve) => setTimeout(resolve, options.pollIntervalInMs ?? 500));
    }
  }

  /** Aborts the whole array: every unfinished child ends Failed with the reason. False when already closed. */
  async abort(reason = 'no reason given'): Promise<boolean> {
    if ((await this.state()).closed) return false;
    await (await this.handle()).signal(abortSignal, reason);
    return true;
  }

  async abortChild(index: number, reason = 'no reason given'): Promise<void> {
    const state = await this.state();
    if (!Number.isInteger(index) || index < 1 || index > state.childCount) {
      throw new RangeError(`Array ${this.jobId} has children 1 to ${state.childCount}; got ${index}.`);
    }
    await (await this.handle()).signal(abortChildSignal, index, reason);
  }

  /**
   * Reruns only the failed children, keeping every succeeded result; resolves
   * with how many were rerun. An array that closed with failed children is
   * retried by a new run under the same workflow id, over the same Azure job,
   * within its retry window; one whose workflow still runs (older arrays that
   * stayed open in their window) is asked through its `retryFailed` update.
   */
  async retryFailed(): Promise<number> {
    const { running, runId, state } = await latestRun<ArrayJobState>(this.environment, this.jobId);
    if (!state || state.childCount === undefined) throw new JobNotFoundError(this.jobId, this.environment);
    if (running) {
      if (state.status === 'Active') throw new RangeError(`Array ${this.jobId} is still Active: its failed children can be retried once every child has finished.`);
      return (await this.handle()).executeUpdate(retryFailedUpdate);
    }
    if (state.abortReason !== undefined) throw new RangeError(`Array ${this.jobId} is closed (it was aborted): its failed children can no longer be retried.`);
    if (state.counts.failed === 0) return 0;
    if (state.retryUntil === undefined) throw new RangeError(`Array ${this.jobId} is closed and its Azure job has ended: its failed children can no longer be rerun.`);
    checkRetryable(state, true);
    await startRetryRun(this.environment, 'arrayJob', this.jobId, runId, resumedArrayJobState(state, runId));
    return state.counts.failed;
  }

}
