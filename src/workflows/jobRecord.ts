import { ApplicationFailure, setCurrentDetails, upsertMemo, upsertSearchAttributes } from '@temporalio/workflow';
import type { ArrayJobState, SingleJobState } from '../model/jobStates';
import { jobFailedType } from '../model/retry';
import { childrenFailedKey, childrenRunningKey, childrenSucceededKey, jobSearchAttributes } from '../model/searchAttributes';
import { arrayDetails, singleDetails } from './currentDetails';
import type { Notifier } from './notifier';

type JobState = SingleJobState | ArrayJobState;

function isArray(state: JobState): state is ArrayJobState {
  return 'childCount' in state;
}

/**
 * What every job keeps current in Temporal as it goes: its state in the memo
 * (readable with no worker running), the search attributes listings filter
 * on, and the details the Temporal UI shows. One place for single jobs,
 * arrays and the reconciler's closing runs.
 */
export class JobRecord<S extends JobState> {
  constructor(
    readonly state: S,
    private readonly connection: string,
    /** Sends the notifications the job's input asks for as its status changes. */
    private readonly notifier?: Notifier,
  ) {}

  /** The last publish of a run: once the notifications it sends have ended, their outcomes are published too. */
  async publishFinal(note: string): Promise<void> {
    this.publish(note);
    if (!this.notifier) return;
    await this.notifier.settled();
    this.publish(note);
  }

  /** Waits for notifications still on their way (before a continue-as-new, which would leave them behind). */
  async notificationsSent(): Promise<void> {
    await this.notifier?.settled();
  }

  publish(note: string): void {
    const { state } = this;
    upsertMemo({ state });
    const common = jobSearchAttributes({
      status: state.status,
      type: isArray(state) ? 'Array' : 'Single',
      poolId: state.poolId,
      jobId: state.jobId,
      connection: this.connection,
      name: state.name,
      labels: state.labels,
    });
    if (isArray(state)) {
      upsertSearchAttributes([
        ...common,
        { key: childrenRunningKey, value: state.counts.running },
        { key: childrenSucceededKey, value: state.counts.succeeded },
        { key: childrenFailedKey, value: state.counts.failed },
      ]);
      setCurrentDetails(arrayDetails(state, this.connection, note, new Date()));
    } else {
      upsertSearchAttributes(common);
      setCurrentDetails(singleDetails(state, note, new Date()));
    }
    this.notifier?.observe();
  }

  /** The failure a run closes with when its job ended Failed; the state rides along as details. */
  failed(): ApplicationFailure {
    const message = `Job ${this.state.jobId} failed: ${this.state.statusReason ?? 'no reason recorded'}`;
    const failure = ApplicationFailure.create({ type: jobFailedType, message, nonRetryable: true, details: [this.state] });
    // The job's outcome, not a fault of this code: a stack trace (naming the worker's files) would only mislead.
    failure.stack = `${jobFailedType}: ${message}`;
    return failure;
  }
}
