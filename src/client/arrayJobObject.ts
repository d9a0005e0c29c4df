import { childTaskId } from '../model/arrayJob';
import { InvalidSettingError, JobStateError } from '../model/errors';
import type { ArrayJobState } from '../model/jobStates';
import { maxParallelProblem } from '../model/settings';
import { abortChildSignal, abortSignal, reasonProblem, setMaxParallelUpdate } from '../workflows/messages';
import { abortable, type OperationOptions, withTemporal } from './abort';
import { ArrayChildJob } from './arrayChildJob';
import { type ArrayJobPropertyName, arrayJobPropertyNames } from './arrayProperties';
import { readChildren } from './childRecords';
import type { BatchEnvironment } from './environment';
import { isArrayJobState, JobNotFoundError, latestRun, readJobState } from './jobState';
import { UnknownPropertyError } from './properties';
import { checkRetryable, startRetryRun } from './retryRun';
import { sharedJobProperties } from './taskJobProperties';
import { taskJobReaders } from './taskJobReaders';
import { waitForEnd, type WaitOptions } from './waitForEnd';

/** The seed's "Array" job object (RemoteBatchMapSubmit): `child(n)` is child n, `get(name)` its properties. */
export class ArrayJob {
  readonly jobType = 'Array';

  constructor(readonly environment: BatchEnvironment, readonly jobId: string) {}

  /** From the workflow's memo: readable with no worker running. */
  state(options: OperationOptions = {}): Promise<ArrayJobState> {
    return readJobState(this.environment, this.jobId, isArrayJobState, options.abortSignal);
  }

  /** Child n (1-based), like the seed's `arr["ChildJobObjects"][[n]]`; one past the last is refused on first use. */
  child(index: number): ArrayChildJob {
    if (!Number.isInteger(index) || index < 1) throw new InvalidSettingError('index', `A child index is a whole number from 1; got ${JSON.stringify(index)}.`);
    return new ArrayChildJob(this, index);
  }

  async get(property: string, options: OperationOptions = {}): Promise<unknown> {
    if (!(arrayJobPropertyNames as readonly string[]).includes(property)) throw new UnknownPropertyError(property, arrayJobPropertyNames);
    return abortable(options.abortSignal, async (signal) => {
      const state = await this.state({ abortSignal: signal });
      return this.propertyOf(property as ArrayJobPropertyName, state, signal);
    });
  }

  private async propertyOf(property: ArrayJobPropertyName, state: ArrayJobState, signal?: AbortSignal): Promise<unknown> {
    const children = () => readChildren(this.environment, state, {}, signal);
    switch (property) {
      case 'ProviderFirstTaskID':
        return childTaskId(1);
      case 'ChildJobCount':
        return state.childCount;
      case 'ChildJobObjects':
        return Array.from({ length: state.childCount }, (_, i) => this.child(i + 1));
      case 'ChildJobStatuses':
        return (await children()).map((child) => child.status);
      case 'ChildJobExitCodes':
        return (await children()).map((child) => child.exitCode);
      case 'ChildJobStatusReasons':
        return (await children()).map((child) => child.reason);
      case 'ChildJobEvaluationResults':
        return (await children()).map((child) => child.result);
      case 'ChildJobEvaluationData':
        return Promise.all(
          (await children()).map((child) =>
            taskJobReaders(this.environment, { jobId: state.jobId, taskId: childTaskId(child.child), status: child.status }, { result: { value: child.result } }, signal).evaluationData(),
          ),
        );
      case 'ChildJobCounts':
        return { ...state.counts };
      case 'Properties':
        return [...arrayJobPropertyNames];
      default: {
        const finished = state.status === 'Completed';
        const failed = finished && (state.counts.failed > 0 || state.abortReason !== undefined);
        const facts = { ...state, jobType: 'Array' as const, uuid: this.jobId.replace(/^rb-/, '') };
        return sharedJobProperties(facts, this.environment, { finished, succeeded: finished && !failed, failed })[property];
      }
    }
  }

  /** Resolves once every child completed (or was terminated). */
  wait(options: WaitOptions = {}): Promise<'Completed'> {
    return waitForEnd(this.environment, this.jobId, async (signal) => ((await this.state({ abortSignal: signal })).status === 'Completed' ? ('Completed' as const) : undefined), options);
  }

  /**
   * Aborts the whole array: every unfinished child ends Failed with the reason.
   *
   * @returns true when the abort was requested; **false when the array had
   * already ended** (nothing to abort; it stays as it was).
   */
  async abort(reason = 'no reason given', options: OperationOptions = {}): Promise<boolean> {
    const problem = reasonProblem(reason);
    if (problem) throw new InvalidSettingError('reason', `abort ${problem}`);
    return withTemporal(this.environment, options.abortSignal, async (client) => {
      if ((await this.state()).closed) return false;
      await client.workflow.getHandle(this.jobId).signal(abortSignal, reason);
      return true;
    });
  }

  /** Ends child `index` alone: its task is terminated and it ends Failed with the reason. Refused once the array has ended. */
  async abortChild(index: number, reason = 'no reason given', options: OperationOptions = {}): Promise<void> {
    const problem = reasonProblem(reason);
    if (problem) throw new InvalidSettingError('reason', `abortChild ${problem}`);
    await withTemporal(this.environment, options.abortSignal, async (client) => {
      const state = await this.state();
      if (!Number.isInteger(index) || index < 1 || index > state.childCount) {
        throw new InvalidSettingError('index', `Array ${this.jobId} has children 1 to ${state.childCount}; got ${JSON.stringify(index)}.`);
      }
      if (state.closed) throw new JobStateError(`Array ${this.jobId} has ended: its child ${index} can no longer be aborted.`, this.jobId);
      await client.workflow.getHandle(this.jobId).signal(abortChildSignal, index, reason);
    });
  }

  /**
   * Changes MaxParallel while the array runs (null: no limit): at most that
   * many children run at once from Batch's next placement on; children already
   * running beyond it run to their end. Resolves once Batch has the new value
   * (a Temporal update, so it needs a running worker).
   */
  async setMaxParallel(maxParallel: number | null, options: OperationOptions = {}): Promise<void> {
    const problem = maxParallelProblem(maxParallel);
    if (problem) throw new InvalidSettingError('MaxParallel', problem);
    await withTemporal(this.environment, options.abortSignal, async (client) => {
      const state = await this.state();
      if (state.closed) throw new JobStateError(`Array ${this.jobId} has ended: its MaxParallel can no longer change.`, this.jobId);
      await client.workflow.getHandle(this.jobId).executeUpdate(setMaxParallelUpdate, { args: [maxParallel] });
    });
  }

  /**
   * Reruns only the failed children, keeping every succeeded result; resolves
   * with how many are rerun. An array that closed with failed children is
   * retried by a new run under the same workflow id, over the same Azure job,
   * within its retry window.
   */
  retryFailed(options: OperationOptions = {}): Promise<number> {
    return withTemporal(this.environment, options.abortSignal, async () => {
      const { running, runId, state } = await latestRun<ArrayJobState>(this.environment, this.jobId);
      if (!state || !isArrayJobState(state)) throw new JobNotFoundError(this.jobId, this.environment);
      if (running) throw new JobStateError(`Array ${this.jobId} is still ${state.status}: its failed children can be retried once it has ended.`, this.jobId);
      if (state.abortReason !== undefined) throw new JobStateError(`Array ${this.jobId} was aborted: its failed children can no longer be retried.`, this.jobId);
      if (state.counts.failed === 0) return 0;
      checkRetryable(state, true);
      await startRetryRun(this.environment, 'arrayJob', state, runId);
      return state.counts.failed;
    });
  }
}
