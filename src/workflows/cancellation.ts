import { ApplicationFailure, CancellationScope, CancelledFailure, patched } from '@temporalio/workflow';
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
  private readonly enabled: boolean;

  constructor(private readonly onRequested: () => void = () => undefined) {
    // Workflows started before this existed were cancelled at once: they replay as they ran.
    this.enabled = patched('cancel-is-abort');
    if (!this.enabled) return;
    CancellationScope.current().cancelRequested.catch(() => {
      this.requested = true;
      this.onRequested();
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
    if (!this.enabled) return job();
    const message = 'The workflow was cancelled; its Azure job was terminated first.';
    let state: T;
    try {
      state = await CancellationScope.nonCancellable(job);
    } catch (error) {
      // A job that closes as it ends fails when aborted; cancelled is what this run was asked to be.
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
