import type { BatchJob } from '../client';
import type { SingleJobState } from '../model/jobSpec';
import { isFinished } from '../model/status';
import type { CommandContext } from './context';
import { exitCodes } from './exitCodes';
import { formatDuration, paint, spinnerFrames, statusColour, transitionLine } from './render';

export interface WatchOptions {
  json?: boolean;
  timeoutInMs?: number;
  pollIntervalInMs?: number;
}

interface Transition {
  status: SingleJobState['status'];
  at: Date;
  exitCode?: number;
  reason?: string;
}

/**
 * The transitions a state implies beyond those already reported. A job that went
 * Active → Running → Succeeded between two looks still shows each step, at the
 * times the workflow recorded.
 */
export function newTransitions(state: SingleJobState, reported: SingleJobState['status'][]): Transition[] {
  const steps: Transition[] = [{ status: 'Active', at: new Date(state.submittedAt) }];
  if (state.startedAt || state.status === 'Running') {
    steps.push({ status: 'Running', at: new Date(state.startedAt ?? Date.now()) });
  }
  if (isFinished(state.status)) {
    // The reason says why a job failed; for a success it adds nothing to "Succeeded".
    const reason = state.status === 'Failed' ? state.statusReason : undefined;
    steps.push({ status: state.status, at: new Date(state.completedAt ?? Date.now()), exitCode: state.exitCode, reason });
  }
  return steps.filter((step) => !reported.includes(step.status));
}

/** The exit code a finished job's status stands for. */
export function exitCodeForStatus(status: string): number {
  return status === 'Succeeded' || status === 'Completed' ? exitCodes.ok : exitCodes.jobFailed;
}

function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Follows a single job to its end. On a terminal: each status as it is reached
 * plus a live line with a spinner and the time in the current status; otherwise
 * one plain line per status (or one JSON object per line with --json).
 */
export async function watchJob(ctx: CommandContext, job: BatchJob, options: WatchOptions = {}): Promise<number> {
  const { out } = ctx;
  const live = out.isTTY && !options.json;
  const colour = out.color;
  const reported: SingleJobState['status'][] = [];
  const deadline = options.timeoutInMs !== undefined ? Date.now() + options.timeoutInMs : undefined;
  let current: SingleJobState | undefined;
  let liveText = '';
  let frame = 0;

  const clearLive = () => {
    if (live && liveText) out.write('\r\x1b[2K');
    liveText = '';
  };
  const drawLive = () => {
    if (!live || !current || isFinished(current.status)) return;
    const since = current.status === 'Running' && current.startedAt ? current.startedAt : current.submittedAt;
    const text = `${spinnerFrames[frame++ % spinnerFrames.length]} ${paint(current.status, statusColour(current.status), colour)} for ${formatDuration(Date.now() - new Date(since).getTime())}  (Ctrl-C stops watching, not the job)`;
    out.write(`\r\x1b[2K${text}`);
    liveText = text;
  };
  // Each look has a deadline, so a Temporal server that goes away ends the watch (exit 6) instead of hanging it.
  const client = await job.environment.client();
  const readState = () => client.connection.withDeadline(Date.now() + 20_000, () => job.state());
  const spinner = live ? setInterval(drawLive, 100) : undefined;

  try {
    if (live) out.info(`watching ${job.jobId} on pool ${job.environment.poolId}`);
    for (;;) {
      current = await readState();
      const submitted = new Date(current.submittedAt).getTime();
      for (const step of newTransitions(current, reported)) {
        reported.push(step.status);
        clearLive();
        if (options.json) {
          out.jsonLine({
            jobId: job.jobId,
            JobStatus: step.status,
            at: step.at.toISOString(),
            ...(step.exitCode !== undefined ? { JobExitCode: step.exitCode } : {}),
            ...(step.reason ? { JobStatusReason: step.reason } : {}),
          });
        } else {
          out.line(transitionLine(step.at, step.at.getTime() - submitted, step.status, { exitCode: step.exitCode, reason: step.reason }, colour));
        }
      }
      if (isFinished(current.status)) return exitCodeForStatus(current.status);
      drawLive();
      if (deadline !== undefined && Date.now() >= deadline) {
        clearLive();
        out.info(`${job.jobId} is still ${current.status} after ${formatDuration(options.timeoutInMs ?? 0)}; stopped waiting (the job goes on).`);
        return exitCodes.notFinished;
      }
      const wait = Math.min(options.pollIntervalInMs ?? 300, deadline !== undefined ? Math.max(0, deadline - Date.now()) : Infinity);
      if (!(await sleep(wait, ctx.io.signal))) {
        clearLive();
        out.info(`stopped watching; ${job.jobId} goes on (remote-batch watch ${job.jobId} to come back).`);
        return exitCodes.interrupted;
      }
    }
  } finally {
    if (spinner) clearInterval(spinner);
    clearLive();
  }
}
