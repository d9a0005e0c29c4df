import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { abortable, type OperationOptions, pause, within } from './abort';
import type { BatchEnvironment } from './environment';

export interface WaitOptions extends OperationOptions {
  /** The longest gap between two reads of the job's state (default 500 ms). */
  pollIntervalInMs?: number;
}

interface RunWatch {
  /** Resolves with 'closed' when the run has closed, 'open' when the server ended the long poll first. */
  outcome: Promise<'closed' | 'open'>;
  cancel(): void;
}

/**
 * One long poll on the close of the workflow's latest run (Temporal's history
 * long poll, filtered to the close event). Each watch is one request under a
 * signal of its own, so listeners never pile up on a signal however long the
 * wait; a failed poll counts as "closed": the caller reads the state either way.
 */
function watchRunClose(client: Client, namespace: string, workflowId: string): RunWatch {
  const controller = new AbortController();
  const outcome = client
    .withAbortSignal(controller.signal, () =>
      client.workflowService.getWorkflowExecutionHistory({
        namespace,
        execution: { workflowId },
        waitNewEvent: true,
        skipArchival: true,
        historyEventFilterType: temporal.api.enums.v1.HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT,
      }),
    )
    .then(
      (response) => ((response.history?.events?.length ?? 0) > 0 ? ('closed' as const) : ('open' as const)),
      () => 'closed' as const,
    );
  return { outcome, cancel: () => controller.abort() };
}

/**
 * Reads the job's state until `ended` returns something. Between reads it
 * waits for the workflow's run to close (a long poll, so the answer comes the
 * moment the run ends) or for the poll interval, whichever is first: a run can
 * outlive its job's end (a retry window) or be replaced by a retry run, and
 * the state is what counts. A run that has closed while its job has not ended
 * (a retry or closing run about to start) is read again after the interval.
 */
export function waitForEnd<T>(env: BatchEnvironment, workflowId: string, ended: (signal?: AbortSignal) => Promise<T | undefined>, options: WaitOptions = {}): Promise<T> {
  return abortable(options.abortSignal, async (signal) => {
    const client = await env.client();
    const interval = options.pollIntervalInMs ?? 500;
    let watch: RunWatch | undefined;
    let sawClose = false;
    try {
      for (;;) {
        signal?.throwIfAborted();
        const result = await ended(signal);
        if (result !== undefined) return result;
        if (sawClose) {
          sawClose = false;
          await pause(interval, signal);
          continue;
        }
        watch ??= watchRunClose(client, env.temporal.namespace, workflowId);
        const outcome = await within(watch.outcome, interval, signal);
        if (outcome === 'elapsed') continue;
        watch = undefined;
        sawClose = outcome === 'closed';
      }
    } finally {
      watch?.cancel();
    }
  });
}
