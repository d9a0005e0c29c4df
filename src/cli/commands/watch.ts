import type { Command } from 'commander';
import type { CommandContext } from '../context';
import { secondsOption } from '../parse';
import { act } from '../act';
import { watchArray, watchJob } from '../watchJob';

interface WatchFlags {
  timeout?: number;
  json?: boolean;
}

export function registerWatch(program: Command, ctx: CommandContext): void {
  program
    .command('watch')
    .summary('follow a job until it ends; exit code 0 if it succeeded, 1 if it failed')
    .description(
      'Follows a job to its end. On a terminal it prints each status as the job reaches it and keeps a live line with ' +
        'the time spent in the current one (for an array job: a live progress bar of its children); otherwise one line ' +
        'per status (per change of the children\'s counts). Ctrl-C stops watching, not the job.',
    )
    .argument('<job-id>', 'the job to follow (rb-…/n: child n of an array job)')
    .option('--timeout <seconds>', 'stop waiting after this long (exit 4)', secondsOption('--timeout'))
    .option('--json', 'one JSON object per status, one per line')
    .action(
      act(ctx, async (jobId: string, flags: WatchFlags, command: Command) => {
        const job = await ctx.job(command, jobId);
        const options = { json: flags.json, timeoutInMs: flags.timeout !== undefined ? flags.timeout * 1000 : undefined };
        return job.jobType === 'Array' ? watchArray(ctx, job, options) : watchJob(ctx, job, options);
      }),
    );
}
