import type { Command } from 'commander';
import type { BatchJob, EvaluationData } from '../../client';
import { isFinished } from '../../model/status';
import type { CommandContext } from '../context';
import { CliError, exitCodes } from '../exitCodes';
import { numberOption } from '../parse';
import { act } from '../program';
import { formatDuration } from '../render';

interface ResultFlags {
  wait: boolean;
  timeout?: number;
  json?: boolean;
}

/**
 * Waits (quietly) until the job has ended, unless told not to. Returns the final
 * status, or throws "not finished" (exit 4).
 */
export async function awaitEnd(ctx: CommandContext, job: BatchJob, options: { wait: boolean; timeoutInMs?: number }): Promise<string> {
  let state = await job.state();
  if (isFinished(state.status)) return state.status;
  if (!options.wait) {
    throw new CliError(`${job.jobId} is still ${state.status}; it has not ended yet (leave out --no-wait to wait for it).`, exitCodes.notFinished);
  }
  ctx.out.info(`waiting for ${job.jobId} (${state.status}) to end ...`);
  const deadline = options.timeoutInMs !== undefined ? Date.now() + options.timeoutInMs : undefined;
  const timeout = deadline !== undefined ? AbortSignal.timeout(Math.max(0, deadline - Date.now())) : undefined;
  const signal = timeout ? AbortSignal.any([ctx.io.signal, timeout]) : ctx.io.signal;
  try {
    return await job.wait({ abortSignal: signal, pollIntervalInMs: 300 });
  } catch (error) {
    if (timeout?.aborted) {
      state = await job.state();
      throw new CliError(`${job.jobId} is still ${state.status} after ${formatDuration(options.timeoutInMs ?? 0)}; stopped waiting (the job goes on).`, exitCodes.notFinished);
    }
    if (ctx.io.signal.aborted) throw new CliError(`stopped waiting; ${job.jobId} goes on.`, exitCodes.interrupted);
    throw error;
  }
}

export function registerResult(program: Command, ctx: CommandContext): void {
  program
    .command('result')
    .summary("print a job's result (its EvaluationResult), waiting for it to end")
    .description(
      "Waits until the job has ended and prints its EvaluationResult: a script's return value, or the result.json a " +
        'command wrote. Text is printed as it is, anything else as JSON. Exit code 1 when the job failed (its reason on stderr).',
    )
    .argument('<job-id>', 'the job')
    .option('--no-wait', 'do not wait: exit 4 if the job has not ended')
    .option('--timeout <seconds>', 'stop waiting after this long (exit 4)', numberOption('--timeout'))
    .option('--json', 'print the result as JSON (strings quoted; null when there is none)')
    .action(
      act(ctx, async (jobId: string, flags: ResultFlags, command: Command) => {
        const job = await ctx.job(command, jobId);
        const status = await awaitEnd(ctx, job, { wait: flags.wait, timeoutInMs: flags.timeout !== undefined ? flags.timeout * 1000 : undefined });
        const data = (await job.get('EvaluationData')) as EvaluationData | undefined;
        const result = data?.Result;
        if (flags.json) ctx.out.line(JSON.stringify(result ?? null));
        else if (typeof result === 'string') ctx.out.line(result);
        else if (result !== undefined) ctx.out.line(JSON.stringify(result, null, 2));
        if (status !== 'Succeeded') {
          const reason = await job.get('JobStatusReason');
          ctx.out.info(`${jobId} failed: ${reason ?? 'no reason recorded'}${data?.Error ? `\n${data.Error}` : ''}`);
          return exitCodes.jobFailed;
        }
        if (result === undefined && !flags.json) ctx.out.info(`${jobId} succeeded and has no result (a command job writes one to result.json).`);
        return exitCodes.ok;
      }),
    );
}
