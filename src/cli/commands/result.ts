import type { Command } from 'commander';
import type { EvaluationData } from '../../client/taskJobProperties';
import type { ArrayJobState } from '../../model/jobStates';
import { isFinished } from '../../model/status';
import type { CommandContext } from '../context';
import { CliError, exitCodes } from '../exitCodes';
import type { JobRef } from '../jobRef';
import { numberOption } from '../parse';
import { act } from '../program';
import { formatDuration } from '../render';
import { arraySucceeded } from '../watchJob';

interface ResultFlags {
  wait: boolean;
  timeout?: number;
  json?: boolean;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Waits (quietly) until the job has ended, unless told not to; throws "not
 * finished" (exit 4) when it has not and should not be waited for.
 */
export async function awaitEnd(ctx: CommandContext, ref: JobRef, options: { wait: boolean; timeoutInMs?: number; howToWait: string }): Promise<void> {
  const look = async (): Promise<{ ended: boolean; status: string }> => {
    if (ref.kind === 'Array') {
      const state = await ref.array.state();
      return { ended: state.status === 'Completed', status: state.status };
    }
    const state = await ref.read();
    return { ended: isFinished(state.status), status: state.status };
  };
  let seen = await look();
  if (seen.ended) return;
  if (!options.wait) {
    throw new CliError(`${ref.id} is still ${seen.status}; it has not ended yet (${options.howToWait}).`, exitCodes.notFinished);
  }
  ctx.out.info(`waiting for ${ref.id} (${seen.status}) to end ...`);
  const deadline = options.timeoutInMs !== undefined ? Date.now() + options.timeoutInMs : undefined;
  for (;;) {
    if (ctx.io.signal.aborted) throw new CliError(`stopped waiting; ${ref.id} goes on.`, exitCodes.interrupted);
    if (deadline !== undefined && Date.now() >= deadline) {
      throw new CliError(`${ref.id} is still ${seen.status} after ${formatDuration(options.timeoutInMs ?? 0)}; stopped waiting (the job goes on).`, exitCodes.notFinished);
    }
    await sleep(300);
    seen = await look();
    if (seen.ended) return;
  }
}

/** "child 3: cannot square …" for the first few failed children of an array. */
export function failedChildrenText(jobId: string, statuses: string[], reasons: (string | undefined)[], shown = 5): string {
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
    .option('--timeout <seconds>', 'stop waiting after this long (exit 4)', numberOption('--timeout'))
    .option('--json', 'print the result as JSON (strings quoted; null when there is none)')
    .action(
      act(ctx, async (jobId: string, flags: ResultFlags, command: Command) => {
        const ref = await ctx.job(command, jobId);
        await awaitEnd(ctx, ref, { wait: flags.wait, timeoutInMs: flags.timeout !== undefined ? flags.timeout * 1000 : undefined, howToWait: 'leave out --no-wait to wait for it' });

        if (ref.kind === 'Array') {
          const [state, results] = await Promise.all([ref.array.state(), ref.array.get('ChildJobEvaluationResults')]);
          ctx.out.line(flags.json ? JSON.stringify(results) : JSON.stringify(results, null, 2));
          if (arraySucceeded(state as ArrayJobState)) return exitCodes.ok;
          const [statuses, reasons] = await Promise.all([ref.array.get('ChildJobStatuses'), ref.array.get('ChildJobStatusReasons')]);
          ctx.out.info(failedChildrenText(ref.id, statuses as string[], reasons as (string | undefined)[]));
          if ((state as ArrayJobState).abortReason !== undefined) ctx.out.info(`${ref.id} was aborted: ${(state as ArrayJobState).statusReason ?? (state as ArrayJobState).abortReason}`);
          return exitCodes.jobFailed;
        }

        const [status, data] = await Promise.all([ref.get('JobStatus'), ref.get('EvaluationData') as Promise<EvaluationData | undefined>]);
        const result = data?.Result;
        if (flags.json) ctx.out.line(JSON.stringify(result ?? null));
        else if (typeof result === 'string') ctx.out.line(result);
        else if (result !== undefined && result !== null) ctx.out.line(JSON.stringify(result, null, 2));
        if (status !== 'Succeeded') {
          const reason = await ref.get('JobStatusReason');
          ctx.out.info(`${ref.id} failed: ${reason ?? 'no reason recorded'}${data?.Error ? `\n${data.Error}` : ''}`);
          return exitCodes.jobFailed;
        }
        if ((result === undefined || result === null) && !flags.json) ctx.out.info(`${ref.id} succeeded and has no result (a command job writes one to result.json).`);
        return exitCodes.ok;
      }),
    );
}
