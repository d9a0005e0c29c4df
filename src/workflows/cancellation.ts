import { ApplicationFailure, CancellationScope, CancelledFailure, condition } from '@temporalio/workflow';
import { type JobAbort, temporalCancellation } from '../model/outcome';
import { azure } from './activityProxies';

/**
 * A cancellation request to the workflow (the Temporal UI's Request
 * Cancellation, `temporal workflow cancel`) does what `abort` does: the job's
 * work runs in a scope Temporal cannot cancel, the request only sets a flag
 * the job's abort path already watches, and once that path has terminated the
 * Azure job and recorded the job's final state, the workflow ends cancelled.
 */
export class CancellationAsAbort {
  private requested = false;
  /** Whether the cancellation, not something else, ended the job. */
  private endedTheJob = false;

  constructor() {
    CancellationScope.current().cancelRequested.catch(() => {
      this.requested = true;
    });
  }

  get isRequested(): boolean {
    return this.requested;
  }

  /**
   * Runs the job; if a cancellation ended it, ends the workflow cancelled with
   * the final state as details. A job that had ended by itself keeps its own ending.
   */
  async run<T>(job: () => Promise<T>): Promise<T> {
    const message = 'The workflow was cancelled; its Azure job was terminated first.';
    let state: T;
    try {
      state = await CancellationScope.nonCancellable(job);
    } catch (error) {
      // A job that fails when aborted: cancelled is what this run was asked to be.
      if (this.endedTheJob && error instanceof ApplicationFailure) throw new CancelledFailure(message, error.details as unknown[]);
      throw error;
    }
    if (this.endedTheJob) throw new CancelledFailure(message, [state]);
    return state;
  }

  /** What the cancellation says, naming who asked where Temporal recorded it. */
  async abort(): Promise<JobAbort> {
    this.endedTheJob = true;
    return temporalCancellation(await azure.cancellationRequester());
  }
}

/** Runs `work`, cancelling it if `isAborted` turns true first. */
export async function unlessAborted<T>(isAborted: () => boolean, work: () => Promise<T>): Promise<T | 'aborted'> {
  const scope = new CancellationScope();
  const running = scope.run(work);
  const aborted = condition(isAborted).then(() => 'aborted' as const);
  const first = await Promise.race([running, aborted]);
  if (first === 'aborted') {
    scope.cancel();
    // Whatever the cancelled work ends with is its stopping: an activity whose
    // worker died times out instead of reporting the cancellation.
    await running.catch(() => undefined);
  }
  return first;
}
