import { allHandlersFinished, condition, log, workflowInfo } from '@temporalio/workflow';
import type { JobDependencies } from '../model/dependencies';
import { type ArrayJobState, initialArrayJobState } from '../model/jobStates';
import { resumedArrayJobState, retryUntil } from '../model/retry';
import { batchPriority, maxParallelProblem } from '../model/settings';
import { inlineInputsOf, type TaskInputBlob, type TaskTemplate, taskInputBlobsOf, taskTemplateOf } from '../model/taskTemplate';
import { arrayJobInputSchema, type ArrayJobInput, type CheckedArrayJobInput, type RetryInput } from '../model/workflowInputs';
import { AbortRequests, refusalOf } from './aborts';
import { azure, watcher } from './activityProxies';
import { unlessAborted } from './cancellation';
import { awaitDependencies } from './dependencies';
import { startingInput } from './jobInput';
import { JobRecord } from './jobRecord';
import { notifierFor } from './notifier';
import { reasonProblem } from './messages';

/** Children added per activity call: small enough to show progress, large enough to keep history short. */
const childrenPerAddCall = 2000;
/** Loop turns per run before continue-as-new; each turn adds about a dozen events. */
const turnsPerRun = 150;

/** What one run hands the next through continue-as-new: never the children themselves. */
export interface ArrayJobCarry {
  state: ArrayJobState;
  template: TaskTemplate;
  inputBlobs: TaskInputBlob[];
}

/**
 * The state and steps of one run of an array job; `arrayJob` wires its
 * handlers and loops over its steps. Per-child facts live in blobs (the
 * activities' child shards), so nothing here grows with the child count.
 */
export class ArrayRun {
  readonly record: JobRecord<ArrayJobState>;
  readonly aborts: AbortRequests;
  private readonly childAborts: { child: number; reason: string }[] = [];
  private turn = 0;
  /** Every child has completed and the shards agree with Batch. */
  allCompleted = false;
  /** The Azure job exists: MaxParallel changes go to Batch from then on. */
  private azureJobExists: boolean;
  /** MaxParallel changes reach Batch one after the other, so the last one asked for is the one Batch keeps. */
  private throttling: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly input: CheckedArrayJobInput,
    readonly state: ArrayJobState,
    private template: TaskTemplate,
    private inputBlobs: TaskInputBlob[],
    /** How this run began: a continuation of a run, a retry of a closed one, or a new array. */
    private readonly origin: 'continued' | 'retry' | 'new',
  ) {
    this.record = new JobRecord(state, input.environment.connection, notifierFor(input.notify, state));
    this.azureJobExists = origin !== 'new';
    this.aborts = new AbortRequests(() => state.closed, state);
  }

  static async start(given: ArrayJobInput | RetryInput, carry?: ArrayJobCarry): Promise<ArrayRun> {
    const { input, jobId, submittedAt, previous } = await startingInput(arrayJobInputSchema, given, (previousRunId) => azure.previousRun({ previousRunId }));
    if (carry) return new ArrayRun(input, carry.state, carry.template, carry.inputBlobs, 'continued');
    const state = previous ? resumedArrayJobState(previous.state as ArrayJobState, previous.runId) : initialArrayJobState(input, jobId, submittedAt);
    return new ArrayRun(input, state, taskTemplateOf(input), taskInputBlobsOf(input, false), previous ? 'retry' : 'new');
  }

  private get ref() {
    const { retryOn } = this.input.settings;
    return { connection: this.input.environment.connection, jobId: this.state.jobId, childCount: this.state.childCount, bodyKind: this.input.body.kind, ...(retryOn ? { retryOn } : {}) };
  }

  get isAborted(): boolean {
    return this.aborts.requested;
  }

  /** The abortChild signal: a child index outside the array is left out, and the worker's log says so. */
  requestChildAbort(child: unknown, reason: unknown): void {
    const problem = reasonProblem(reason);
    if (!Number.isInteger(child) || (child as number) < 1 || (child as number) > this.state.childCount || problem) {
      log.warn(`abortChild signal ignored: ${problem ?? `child must be a whole number from 1 to ${this.state.childCount}; got ${JSON.stringify(child)}.`}`);
      return;
    }
    if (!this.state.closed) this.childAborts.push({ child: child as number, reason: (reason as string) || 'no reason given' });
  }

  /**
   * A new array: the pool checked, the inputs and elements in storage, the
   * Azure job created. A retry: its failed children sent back to Batch.
   * False when that was refused: the array has ended.
   */
  async begin(): Promise<boolean> {
    if (this.origin === 'continued') return true;
    try {
      if (this.origin === 'retry') {
        const rerun = await azure.rerunFailedChildren(this.ref);
        this.state.retries++;
        this.record.publish(`Rerunning ${rerun} failed children (attempt ${this.state.attempts.length + 1}).`);
        return true;
      }
      if (this.input.after && !(await this.dependenciesMet(this.input.after))) return false;
      this.record.publish('Creating the Azure job.');
      await azure.prepareAzureJob({
        ...this.ref,
        poolId: this.state.poolId,
        priority: batchPriority(this.input.settings.jobPriority),
        requiredSlots: this.input.settings.vcpuCount,
        ...(this.state.settings.maxParallel !== undefined ? { maxParallelTasks: this.state.settings.maxParallel } : {}),
        owner: workflowInfo().workflowId,
        record: { jobType: 'Array', bodyKind: this.input.body.kind, state: this.state },
        inlineInputs: inlineInputsOf(this.input, false),
      });
      this.azureJobExists = true;
      return true;
    } catch (error) {
      const refusal = refusalOf(error);
      if (refusal === undefined) throw error;
      this.state.statusReason = refusal;
      return false;
    }
  }

  /** Waits for the jobs the array depends on; false (the reason in the state) when they never can be met or it was aborted first. */
  private async dependenciesMet(after: JobDependencies): Promise<boolean> {
    const waited = await awaitDependencies(after, this.aborts, this.record);
    if (waited === 'aborted') {
      const abort = await this.aborts.abort();
      this.state.abortReason = abort.reason;
      this.state.statusReason = abort.statusReason;
      return false;
    }
    if (waited.kind === 'never') this.state.statusReason = waited.reason;
    return waited.kind === 'go';
  }

  /** The setMaxParallel update's validator: refused before it is written to history. */
  checkMaxParallel(maxParallel: unknown): void {
    const problem = maxParallelProblem(maxParallel);
    if (problem) throw new TypeError(`setMaxParallel: ${problem}`);
    if (this.state.closed) throw new Error(`setMaxParallel: array ${this.state.jobId} has ended.`);
  }

  /** Records the new MaxParallel and, once the Azure job exists, hands it to Batch. */
  async setMaxParallel(maxParallel: number | null): Promise<ArrayJobState> {
    if (maxParallel === null) delete this.state.settings.maxParallel;
    else this.state.settings.maxParallel = maxParallel;
    await condition(() => this.azureJobExists || this.state.closed);
    if (this.state.closed) return this.state;
    const applied = this.throttling.then(() => azure.setMaxParallel({ connection: this.input.environment.connection, jobId: this.state.jobId, maxParallel: this.state.settings.maxParallel ?? null }));
    this.throttling = applied.catch(() => undefined);
    await applied;
    this.record.publish(maxParallel === null ? 'MaxParallel lifted: no limit on children running at once.' : `MaxParallel set to ${maxParallel}.`);
    return this.state;
  }

  /** A child abort waits until the child's task is in Batch: there is nothing to terminate before. */
  private get childAbortsDue(): boolean {
    return this.childAborts.some(({ child }) => child <= this.state.added);
  }

  /** Children aborted alone come first, so they keep their own reasons if the array is aborted too. */
  async abortRequestedChildren(): Promise<void> {
    while (this.childAbortsDue) {
      const due = this.childAborts.findIndex(({ child }) => child <= this.state.added);
      const [next] = this.childAborts.splice(due, 1);
      await azure.abortArrayChild({ ...this.ref, ...next });
    }
  }

  /** One turn: the next children added while Batch's progress is watched, until something changed. */
  async addNextAndWatch(): Promise<void> {
    this.turn++;
    const { state } = this;
    const from = state.added + 1;
    const to = Math.min(state.childCount, state.added + childrenPerAddCall);
    const outcome = await unlessAborted(
      () => this.isAborted || this.childAbortsDue,
      () =>
        Promise.all([
          from <= to
            ? watcher.addArrayChildren({ ...this.ref, from, to, spanSize: state.spanSize, template: this.template, sharedInputs: this.inputBlobs }).then(() => to)
            : Promise.resolve(state.added),
          watcher.pollArrayProgress({ ...this.ref, added: state.added, cursor: state.cursor, rerunsDueAt: state.rerunsDueAt, minWaitMs: 1000, maxWaitMs: 15000 }),
        ]),
    );
    if (outcome === 'aborted') return;
    const [added, progress] = outcome;
    state.added = added;
    state.counts = progress.counts;
    state.cursor = progress.cursor;
    if (progress.rerunsDueAt) state.rerunsDueAt = progress.rerunsDueAt;
    else delete state.rerunsDueAt;
    state.startedAt ??= progress.counts.active < state.childCount ? new Date().toISOString() : undefined;
    this.allCompleted = progress.allCompleted && state.added === state.childCount;
    if (!this.allCompleted) this.record.publish(`${state.added} of ${state.childCount} children added.`);
  }

  shouldContinueAsNew(): boolean {
    return this.turn >= (this.input.turnsPerRun ?? turnsPerRun) || workflowInfo().continueAsNewSuggested;
  }

  carry(): ArrayJobCarry {
    return { state: this.state, template: this.template, inputBlobs: this.inputBlobs };
  }

  /** Every child completed: the run closes, failed (its Azure job open for a retry) when any child failed. */
  async complete(): Promise<ArrayJobState> {
    const { state } = this;
    state.completedAt = new Date().toISOString();
    state.statusReason = `All ${state.childCount} children completed: ${state.counts.succeeded} succeeded, ${state.counts.failed} failed.`;
    if (state.counts.failed === 0) {
      await azure.endAzureJob({ ...this.ref, reason: 'AllTasksComplete' });
      return this.close('The array job is closed.');
    }
    state.retryUntil = retryUntil(new Date(state.completedAt), this.input.retryWindowSeconds);
    await azure.openRetryWindow({ ...this.ref, until: state.retryUntil });
    return this.close(`The array job is closed. Its failed children can be rerun until ${state.retryUntil}: remote-batch retry ${state.jobId}.`);
  }

  /** Aborted: the Azure job is terminated, and every child that had not finished ends Failed with the abort's reason. */
  async abort(): Promise<ArrayJobState> {
    const abort = await this.aborts.abort();
    const endedAt = new Date().toISOString();
    this.state.abortReason = abort.reason;
    await azure.endAzureJob({ ...this.ref, reason: abort.azureReason });
    return this.endEarly(abort.statusReason, endedAt);
  }

  /**
   * The array ended before its children did (aborted, refused, its retry
   * refused): what ran is recorded as Batch ended it, and every child that had
   * not finished ends Failed with `statusReason`.
   */
  async endEarly(statusReason: string, endedAt = new Date().toISOString()): Promise<ArrayJobState> {
    const { state } = this;
    const ran = state.added > 0;
    if (ran) {
      const progress = await watcher.pollArrayProgress({ ...this.ref, added: state.added, cursor: state.cursor, minWaitMs: 0, maxWaitMs: 0 });
      state.counts = progress.counts;
      await azure.failUnfinishedChildren({ ...this.ref, endedAt, statusReason });
    }
    state.counts = { active: 0, running: 0, succeeded: ran ? state.counts.succeeded : 0, failed: state.childCount - (ran ? state.counts.succeeded : 0) };
    state.statusReason = statusReason;
    state.completedAt = endedAt;
    return this.close('The array job is closed.', ran ? undefined : statusReason);
  }

  /** Publishes the results blob (every child failed with `neverRan` when none was added) and closes the run. */
  private async close(note: string, neverRan?: string): Promise<ArrayJobState> {
    const { state } = this;
    // A storage the worker cannot reach for good (say, a connection it does not know) leaves no results blob; readers say so.
    await azure.publishArrayResults({ ...this.ref, ...(neverRan !== undefined ? { neverRan } : {}) }).catch((error: unknown) => {
      if (refusalOf(error) === undefined) throw error;
    });
    state.status = 'Completed';
    state.closed = true;
    await this.record.publishFinal(note);
    await condition(allHandlersFinished);
    if (state.counts.failed > 0 || state.abortReason !== undefined) throw this.record.failed();
    return state;
  }
}
