import type { Command } from 'commander';
import type { CommandContext } from '../context';
import { exitCodes } from '../exitCodes';
import { act } from '../act';

interface AbortFlags {
  reason: string;
  wait?: boolean;
  json?: boolean;
}

export function registerAbort(program: Command, ctx: CommandContext): void {
  program
    .command('abort')
    .summary('abort a job (or an array, or one child): Azure terminates it and it ends Failed with your reason')
    .description(
      "The seed's RemoteBatchJobAbort: the Azure job is terminated and the job ends Failed; its JobStatusReason says the " +
        'client asked, with your reason. An array job: every unfinished child ends Failed; rb-…/n aborts child n alone. ' +
        'A job that has already ended is left as it is (still exit 0, and it says so).',
    )
    .argument('<job-id>', 'the job (rb-…/n: child n of an array job)')
    .option('--reason <text>', 'why (recorded in JobStatusReason)', 'aborted with remote-batch abort')
    .option('--wait', 'return only once Azure has terminated the job (needs a running worker)')
    .option('--json', 'print the outcome as JSON')
    .action(
      act(ctx, async (jobId: string, flags: AbortFlags, command: Command) => {
        const job = await ctx.job(command, jobId);
        const options = { abortSignal: ctx.io.signal };
        const aborted = job.jobType === 'Single' ? await job.abort(flags.reason, { ...options, waitForTermination: flags.wait }) : await job.abort(flags.reason, options);
        // A Single job's update returns once Azure has terminated it; an array or a child is waited for.
        if (aborted && flags.wait && job.jobType !== 'Single') await job.wait({ ...options, pollIntervalInMs: 300 });
        const status = !aborted || flags.wait ? await job.get('JobStatus', options) : undefined;
        if (flags.json) {
          ctx.out.json({ jobId, aborted, ...(status !== undefined ? { JobStatus: status } : {}), reason: flags.reason });
        } else if (aborted) {
          ctx.out.line(`${flags.wait ? 'aborted' : 'abort requested for'} ${jobId}: ${flags.reason}`);
        } else {
          ctx.out.line(`${jobId} had already ended (${status}); nothing to abort.`);
        }
        return exitCodes.ok;
      }),
    );
}
