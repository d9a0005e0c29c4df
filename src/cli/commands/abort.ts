import type { Command } from 'commander';
import type { CommandContext } from '../context';
import { exitCodes } from '../exitCodes';
import { act } from '../program';

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
        const ref = await ctx.job(command, jobId);
        let aborted: boolean;
        let status: unknown;
        if (ref.kind === 'Array') {
          aborted = await ref.array.abort(flags.reason);
          if (aborted && flags.wait) await ref.array.wait({ abortSignal: ctx.io.signal, pollIntervalInMs: 300 });
          if (!aborted || flags.wait) status = await ref.array.get('JobStatus');
        } else {
          aborted = await ref.abort(flags.reason, Boolean(flags.wait));
          if (!aborted || flags.wait) status = await ref.get('JobStatus');
        }
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
