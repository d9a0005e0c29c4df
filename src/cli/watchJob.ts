import { pause } from '../client/abort';
import type { ArrayJob } from '../client/arrayJobObject';
import type { ArrayJobState } from '../model/jobStates';
import { isFinished } from '../model/status';
import type { CommandContext } from './context';
import { exitCodes } from './exitCodes';
import type { TaskJob, TaskState } from './jobRef';
import { formatClock, formatDuration, paint, progressBar, spinnerFrames, statusColour, transitionLine } from './render';

export interface WatchOptions {
  json?: boolean;
  timeoutInMs?: number;
  pollIntervalInMs?: number;
}

interface Transition {
  /** What identifies this step among those reported: its status, with the attempt's number once a job was retried. */
  key: string;
  status: TaskState['status'];
  at: Date;
  exitCode?: number;
  reason?: string;
  /** Which run of a retried job the step is of (1 is the first). */
  attempt?: number;
  /** The step ended a run that was retried. */
  retried?: boolean;
}

type EarlierRun = { status: TaskState['status']; statusReason?: string; exitCode?: number; startedAt?: string; completedAt?: string };

/** A retried job's earlier runs, oldest first (an array child's attempts are Batch's reruns, not runs). */
function earlierRuns(state: TaskState): EarlierRun[] {
  return (state.attempts as object[] | undefined)?.filter((attempt): attempt is EarlierRun => 'runId' in attempt) ?? [];
}

/**
 * The transitions a state implies beyond those already reported (by key). A
 * job that went Active → Running → Succeeded between two looks still shows
 * each step, at the times the workflow recorded; a retried job shows how each
 * earlier run went before the current one.
 */
export function newTransitions(state: TaskState, reported: string[]): Transition[] {
  const steps: Transition[] = [{ key: 'Active', status: 'Active', at: new Date(state.submittedAt) }];
  const runs = earlierRuns(state);
  runs.forEach((run, index) => {
    const attempt = index + 1;
    if (run.startedAt) steps.push({ key: `${attempt}:Running`, status: 'Running', at: new Date(run.startedAt), attempt });
    const at = new Date(run.completedAt ?? run.startedAt ?? state.submittedAt);
    steps.push({ key: `${attempt}:${run.status}`, status: run.status, at, exitCode: run.exitCode, reason: run.statusReason, attempt, retried: true });
  });
  const attempt = runs.length > 0 ? runs.length + 1 : undefined;
  const key = (status: string) => (attempt ? `${attempt}:${status}` : status);
  if (state.startedAt || state.status === 'Running') {
    steps.push({ key: key('Running'), status: 'Running', at: new Date(state.startedAt ?? Date.now()), attempt });
  }
  if (isFinished(state.status)) {
    // The reason says why a job failed; for a success it adds nothing to "Succeeded".
    const reason = state.status === 'Failed' ? state.statusReason : undefined;
    steps.push({ key: key(state.status), status: state.status, at: new Date(state.completedAt ?? Date.now()), exitCode: state.exitCode, reason, attempt });
  }
  return steps.filter((step) => !reported.includes(step.key));
}

/** The exit code a finished job's status stands for. */
export function exitCodeForStatus(status: string): number {
  return status === 'Succeeded' || status === 'Completed' ? exitCodes.ok : exitCodes.jobFailed;
}

/** An array job succeeded when every child did and nobody aborted it. */
export function arraySucceeded(state: Pick<ArrayJobState, 'counts' | 'abortReason'>): boolean {
  return state.counts.failed === 0 && state.abortReason === undefined;
}

/** `6/12 done (1 failed) · 4 running · 2 waiting`, the words beside an array's progress bar. */
export function arrayProgressText(state: Pick<ArrayJobState, 'childCount' | 'counts'>, width = 30): string {
  const { active, running, succeeded, failed } = state.counts;
  const parts = [progressBar(succeeded + failed, state.childCount, width, failed)];
  if (running) parts.push(`${running} running`);
  if (active) parts.push(`${active} waiting`);
  return parts.join(' · ');
}

/**
 * The loop both watches share: read with a deadline (so a Temporal server that
 * goes away ends the watch with exit 6 instead of hanging it), report, keep a
 * live line on a terminal, stop at the end, at --timeout or on Ctrl-C.
 */
async function follow<S>(
  ctx: CommandContext,
  id: string,
  options: WatchOptions,
  steps: {
    read: () => Promise<S>;
    report: (state: S) => void;
    finished: (state: S) => number | undefined;
    live: (state: S, frame: string) => string;
    status: (state: S) => string;
  },
  environment: { client(): Promise<{ connection: { withDeadline<R>(deadline: number, fn: () => Promise<R>): Promise<R> } }> },
): Promise<number> {
  const { out } = ctx;
  const live = out.isTTY && !options.json;
  const deadline = options.timeoutInMs !== undefined ? Date.now() + options.timeoutInMs : undefined;
  const client = await environment.client();
  let current: S | undefined;
  let shown = false;
  let frame = 0;
  const clearLive = () => {
    if (shown) out.write('\r\x1b[2K');
    shown = false;
  };
  const drawLive = () => {
    if (!live || current === undefined) return;
    out.write(`\r\x1b[2K${steps.live(current, spinnerFrames[frame++ % spinnerFrames.length])}`);
    shown = true;
  };
  const spinner = live ? setInterval(drawLive, 100) : undefined;
  const stopped = () => {
    clearLive();
    out.info(`stopped watching; ${id} goes on (remote-batch watch ${id} to come back).`);
    return exitCodes.interrupted;
  };
  try {
    for (;;) {
      let state: S;
      try {
        state = await client.connection.withDeadline(Date.now() + 20_000, steps.read);
      } catch (error) {
        if (ctx.io.signal.aborted) return stopped();
        throw error;
      }
      clearLive();
      steps.report(state);
      const code = steps.finished(state);
      if (code !== undefined) {
        current = undefined;
        return code;
      }
      current = state;
      drawLive();
      if (deadline !== undefined && Date.now() >= deadline) {
        clearLive();
        out.info(`${id} is still ${steps.status(state)} after ${formatDuration(options.timeoutInMs ?? 0)}; stopped waiting (the job goes on).`);
        return exitCodes.notFinished;
      }
      const wait = Math.min(options.pollIntervalInMs ?? 300, deadline !== undefined ? Math.max(0, deadline - Date.now()) : Infinity);
      await pause(wait, ctx.io.signal);
      if (ctx.io.signal.aborted) return stopped();
    }
  } finally {
    if (spinner) clearInterval(spinner);
    clearLive();
  }
}

/**
 * Follows a Single job or an array child to its end. On a terminal: each status
 * as it is reached plus a live line with a spinner and the time in the current
 * status; otherwise one plain line per status (one JSON object per line with --json).
 */
export async function watchJob(ctx: CommandContext, job: TaskJob, options: WatchOptions = {}): Promise<number> {
  const { out } = ctx;
  const colour = out.color;
  const reported: string[] = [];
  if (out.isTTY && !options.json) out.info(`watching ${job.jobId} on pool ${job.environment.poolId}`);
  return follow<TaskState>(
    ctx,
    job.jobId,
    options,
    {
      read: () => job.state({ abortSignal: ctx.io.signal }),
      report: (state) => {
        const submitted = new Date(state.submittedAt).getTime();
        for (const step of newTransitions(state, reported)) {
          reported.push(step.key);
          if (options.json) {
            out.jsonLine({
              jobId: job.jobId,
              JobStatus: step.status,
              at: step.at.toISOString(),
              ...(step.exitCode !== undefined ? { JobExitCode: step.exitCode } : {}),
              ...(step.reason ? { JobStatusReason: step.reason } : {}),
              ...(step.attempt !== undefined ? { attempt: step.attempt } : {}),
              ...(step.retried ? { retried: true } : {}),
            });
          } else {
            const which = step.attempt === undefined || step.status === 'Running' ? undefined : `attempt ${step.attempt}${step.retried ? ', retried' : ''}`;
            const reason = step.reason && which ? `${step.reason} (${which})` : (step.reason ?? which);
            out.line(transitionLine(step.at, step.at.getTime() - submitted, step.status, { exitCode: step.exitCode, reason }, colour));
          }
        }
      },
      finished: (state) => (isFinished(state.status) ? exitCodeForStatus(state.status) : undefined),
      live: (state, spin) => {
        const since = state.status === 'Running' && state.startedAt ? state.startedAt : state.submittedAt;
        return `${spin} ${paint(state.status, statusColour(state.status), colour)} for ${formatDuration(Date.now() - new Date(since).getTime())}  (Ctrl-C stops watching, not the job)`;
      },
      status: (state) => state.status,
    },
    job.environment,
  );
}

/**
 * Follows an array job: a live progress bar of its children on a terminal; a
 * line whenever the counts change otherwise (JSON lines with --json). Exit 0
 * when every child succeeded, 1 when any failed or the array was aborted.
 */
export async function watchArray(ctx: CommandContext, array: ArrayJob, options: WatchOptions = {}): Promise<number> {
  const { out } = ctx;
  const colour = out.color;
  const barWidth = Math.max(10, Math.min(40, out.columns - 60));
  let last = '';
  let first = true;
  return follow<ArrayJobState>(
    ctx,
    array.jobId,
    options,
    {
      read: () => array.state({ abortSignal: ctx.io.signal }),
      report: (state) => {
        if (first && out.isTTY && !options.json) out.info(`watching array ${array.jobId}: ${state.childCount} children on pool ${state.poolId}`);
        first = false;
        const done = state.status === 'Completed';
        const key = `${state.status} ${JSON.stringify(state.counts)}`;
        // On a terminal the live bar shows progress; only the start and the end are lines of their own.
        if (key === last || (out.isTTY && !options.json && !done && last !== '')) return;
        last = key;
        const at = done && state.completedAt ? new Date(state.completedAt) : new Date();
        if (options.json) {
          out.jsonLine({ jobId: array.jobId, JobStatus: state.status, at: at.toISOString(), ChildJobCount: state.childCount, ChildJobCounts: state.counts, ...(state.statusReason ? { JobStatusReason: state.statusReason } : {}) });
          return;
        }
        const elapsed = at.getTime() - new Date(state.submittedAt).getTime();
        const reason = done && !arraySucceeded(state) && state.statusReason ? ` — ${state.statusReason}` : '';
        out.line(`${formatClock(at)}  ${paint(state.status.padEnd(9), statusColour(done && !arraySucceeded(state) ? 'Failed' : state.status), colour)}  (+${formatDuration(elapsed)})  ${arrayProgressText(state, barWidth)}${reason}`);
      },
      finished: (state) => (state.status === 'Completed' ? (arraySucceeded(state) ? exitCodes.ok : exitCodes.jobFailed) : undefined),
      live: (state, spin) => `${spin} ${arrayProgressText(state, barWidth)}  ${formatDuration(Date.now() - new Date(state.submittedAt).getTime())}`,
      status: (state) => `${state.status} (${state.counts.succeeded + state.counts.failed}/${state.childCount} done)`,
    },
    array.environment,
  );
}
