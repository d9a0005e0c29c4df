import { ActivityFailure, ApplicationFailure, condition, log, setHandler } from '@temporalio/workflow';
import { clientAbort, type JobAbort } from '../model/outcome';
import { CancellationAsAbort } from './cancellation';
import { abortSignal, abortUpdate, reasonProblem } from './messages';

/**
 * The ways a job can be asked to end early, one place for both job kinds: the
 * `abort` signal and `abortJob` update (held to the same rule), and a
 * cancellation request, which does what an abort does.
 */
export class AbortRequests {
  private reason?: string;
  readonly cancellation = new CancellationAsAbort();

  /** `closed` says the job can no longer be aborted; the abortJob update returns `state` once it is. */
  constructor(closed: () => boolean, state: object) {
    setHandler(abortSignal, (reason) => {
      const problem = reasonProblem(reason);
      // A signal cannot be refused: a malformed one is left out, and the worker's log says why.
      if (problem) log.warn(`abort signal ignored: ${problem}`);
      else if (!closed()) this.reason ??= reason || 'no reason given';
    });
    setHandler(
      abortUpdate,
      async (reason) => {
        if (!closed()) this.reason ??= reason || 'no reason given';
        await condition(closed);
        return state as never;
      },
      {
        validator: (reason: unknown) => {
          const problem = reasonProblem(reason);
          if (problem) throw new TypeError(`abort ${problem}`);
        },
      },
    );
  }

  get requested(): boolean {
    return this.reason !== undefined || this.cancellation.isRequested;
  }

  /** Waits until an abort is asked for. */
  async asked(): Promise<void> {
    await condition(() => this.requested);
  }

  /** The abort to carry out: the client's, or the cancellation's. */
  abort(): Promise<JobAbort> {
    return this.reason !== undefined ? Promise.resolve(clientAbort(this.reason)) : this.cancellation.abort();
  }
}

/** The message of an activity failure that retrying cannot fix (a refusal), if that is what `error` is. */
export function refusalOf(error: unknown): string | undefined {
  const failure = error instanceof ActivityFailure ? error.cause : error;
  return failure instanceof ApplicationFailure && failure.nonRetryable ? failure.message : undefined;
}
