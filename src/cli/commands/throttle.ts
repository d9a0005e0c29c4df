import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { CommandContext } from '../context';
import { exitCodes, usageError } from '../exitCodes';
import { act } from '../act';
import { wholeNumberText } from '../parse';

/** `N` (1 or more) or `none` (no limit). */
function maxParallelArgument(text: string): number | null {
  if (text.toLowerCase() === 'none') return null;
  const value = wholeNumberText(text);
  if (value === undefined || value < 1) throw new InvalidArgumentError(`MaxParallel must be a whole number of at least 1, or none for no limit; got '${text}'.`);
  return value;
}

export function registerThrottle(program: Command, ctx: CommandContext): void {
  program
    .command('throttle')
    .summary("change a running array's MaxParallel: the most children running at once")
    .description(
      "Sets a running array job's MaxParallel (its Azure job's maxParallelTasks): from Batch's next placement on, at most " +
        'that many of its children run at once; children already running beyond it run to their end. `none` lifts the ' +
        'limit. Returns once Batch has the new value (it needs a running worker).',
    )
    .argument('<job-id>', 'the array job')
    .argument('<max-parallel>', 'the most children running at once (1 or more), or none', maxParallelArgument)
    .option('--json', 'print {"jobId", "MaxParallel"} as JSON')
    .addHelpText('after', '\nExamples:\n  remote-batch throttle rb-… 3\n  remote-batch throttle rb-… none')
    .action(
      act(ctx, async (jobId: string, maxParallel: number | null, flags: { json?: boolean }, command: Command) => {
        const job = await ctx.job(command, jobId);
        if (job.jobType !== 'Array') throw usageError(`${job.jobId} is ${job.jobType === 'Single' ? 'a single job' : 'an array child'}; MaxParallel applies to array jobs.`);
        await job.setMaxParallel(maxParallel, { abortSignal: ctx.io.signal });
        if (flags.json) ctx.out.jsonLine({ jobId: job.jobId, MaxParallel: maxParallel });
        else ctx.out.line(maxParallel === null ? `${job.jobId}: no limit on children running at once` : `${job.jobId}: at most ${maxParallel} children run at once`);
        return exitCodes.ok;
      }),
    );
}
