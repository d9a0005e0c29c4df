import type { Command } from 'commander';
import type { EvaluationData } from '../../client/taskJobProperties';
import { isFinished } from '../../model/status';
import type { CommandContext } from '../context';
import { CliError, exitCodes } from '../exitCodes';
import type { JobRef } from '../jobRef';
import { secondsOption } from '../parse';
import { act } from '../act';
import { formatDuration } from '../render';
import { arraySucceeded } from '../watchJob';

interface ResultFlags {
  wait: boolean;
  timeout?: number;
  json?: boolean;
}

/** The job's status now, and whether it has ended (an array: Completed; a job or child: Succeeded or Failed). */
async function look(job: JobRef, abortSignal?: AbortSignal): Promise<{ ended: boolean; status: string }> {
  const { status } = await job.state({ abortSignal });
  return { ended: status === 'Completed' || isFinished(status), status };
}

/**
 * Waits (quietly) until the job has ended, unless told not to; throws "not
 * finished" (exit 4) when it has not and should not be waited for.
 */
export async function awaitEnd(ctx: CommandContext, job: JobRef, options: { wait: boolean; timeoutInMs?: number; howToWait: string }): Promise<void> {
  const seen = await look(job, ctx.io.signal);
  if (seen.ended) return;
  if (!options.wait) {
    throw new CliError(`${job.jobId} is still ${seen.status}; it has not ended yet (${options.howToWait}).`, exitCodes.notFinished);
  }
  ctx.out.info(`waiting for ${job.jobId} (${seen.status}) to end ...`);
  const timeout = options.timeoutInMs !== undefined ? AbortSignal.timeout(options.timeoutInMs) : undefined;
  try {
    await job.wait({ abortSignal: timeout ? AbortSignal.any([ctx.io.signal, timeout]) : ctx.io.signal, pollIntervalInMs: 300 });
  } catch (error) {
    if (ctx.io.signal.aborted) throw new CliError(`stopped waiting; ${job.jobId} goes on.`, exitCodes.interrupted);
    if (!timeout?.aborted) throw error;
    const { status } = await look(job);
    throw new CliError(`${job.jobId} is still ${status} after ${formatDuration(options.timeoutInMs ?? 0)}; stopped waiting (the job goes on).`, exitCodes.notFinished);
  }
}

/** "child 3: cannot square …" for the first few failed children of an array. */
function failedChildrenText(jobId: string, statuses: string[], reasons: (string | undefined)[], shown = 5): string {
  const failed = statuses.map((status, i) => (status === 'Failed' ? i : -1)).filter((i) => i >= 0);
  const lines = failed.slice(0, shown).map((i) => `  ${jobId}/${i + 1}: ${reasons[i] ?? 'no reason recorded'}`);
  if (failed.length > shown) lines.push(`  … and ${failed.length - shown} more (remote-batch status ${jobId} ChildJobStatusReasons)`);
  return `${failed.length} of ${statuses.length} children of ${jobId} failed:\n${lines.join('\n')}`;
}

export function registerResult(program: Command, ctx: CommandContext): void {
  program
    .command('result')
    .summary("print a job's result (its EvaluationResult), waiting for it to end")
    .description(
      "Waits until the job has ended and prints its EvaluationResult: a script's return value, or the result.json a " +
        'command wrote. Text is printed as it is, anything else as JSON. For an array job, its children\'s results in ' +
        'order (ChildJobEvaluationResults; null for a child without one). Exit code 1 when the job (or any child) failed, ' +
        'with the reasons on stderr.',
    )
    .argument('<job-id>', 'the job (rb-…/n: child n of an array job)')
    .option('--no-wait', 'do not wait: exit 4 if the job has not ended')
    .option('--timeout <seconds>', 'stop waiting after this long (exit 4)', secondsOption('--timeout'))
    .option('--json', 'print the result as JSON (strings quoted; null when there is none)')
    .action(
      act(ctx, async (jobId: string, flags: ResultFlags, command: Command) => {
        const job = await ctx.job(command, jobId);
        await awaitEnd(ctx, job, { wait: flags.wait, timeoutInMs: flags.timeout !== undefined ? flags.timeout * 1000 : undefined, howToWait: 'leave out --no-wait to wait for it' });

        const options = { abortSignal: ctx.io.signal };
        if (job.jobType === 'Array') {
          const [state, results] = await Promise.all([job.state(options), job.get('ChildJobEvaluationResults', options)]);
          ctx.out.line(flags.json ? JSON.stringify(results) : JSON.stringify(results, null, 2));
          if (arraySucceeded(state)) return exitCodes.ok;
          const [statuses, reasons] = await Promise.all([job.get('ChildJobStatuses', options), job.get('ChildJobStatusReasons', options)]);
          ctx.out.info(failedChildrenText(job.jobId, statuses as string[], reasons as (string | undefined)[]));
          if (state.abortReason !== undefined) ctx.out.info(`${job.jobId} was aborted: ${state.statusReason ?? state.abortReason}`);
          return exitCodes.jobFailed;
        }

        const [status, data] = await Promise.all([job.get('JobStatus', options), job.get('EvaluationData', options) as Promise<EvaluationData | undefined>]);
        const result = data?.Result;
        if (flags.json) ctx.out.line(JSON.stringify(result ?? null));
        else if (typeof result === 'string') ctx.out.line(result);
        else if (result !== undefined && result !== null) ctx.out.line(JSON.stringify(result, null, 2));
        if (status !== 'Succeeded') {
          const reason = await job.get('JobStatusReason', options);
          ctx.out.info(`${job.jobId} failed: ${reason ?? 'no reason recorded'}${data?.Error ? `\n${data.Error}` : ''}`);
          return exitCodes.jobFailed;
        }
        if ((result === undefined || result === null) && !flags.json) ctx.out.info(`${job.jobId} succeeded and has no result (a command job writes one to result.json).`);
        return exitCodes.ok;
      }),
    );
}
