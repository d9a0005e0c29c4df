import type { Command } from 'commander';
import type { CommandContext } from '../context';
import { exitCodes } from '../exitCodes';
import { act } from '../program';

interface LogsFlags {
  follow?: boolean;
  stderr?: boolean;
  json?: boolean;
}

function isAbort(error: unknown): boolean {
  return (error as { name?: string } | undefined)?.name === 'AbortError';
}

export function registerLogs(program: Command, ctx: CommandContext): void {
  program
    .command('logs')
    .summary("print a job's log (its stdout; --stderr for its standard error)")
    .description(
      "Prints the job's log: its stdout (the JobLog), or its stderr (the JobStandardErrorLog) with --stderr. While the " +
        'job runs it is read from the compute node, afterwards from Blob Storage. -f keeps printing as the log grows ' +
        'until the job ends (exit code 0 either way; use watch or result for the outcome).',
    )
    .argument('<job-id>', 'the job (rb-…/n: child n of an array job)')
    .option('-f, --follow', 'keep printing new output until the job ends')
    .option('--stderr', 'the standard error log instead of stdout')
    .option('--json', 'as JSON: {"jobId", "JobLog"}; with -f one {"stream", "text"} object per line')
    .action(
      act(ctx, async (jobId: string, flags: LogsFlags, command: Command) => {
        const ref = await ctx.taskJob(command, jobId, 'log');
        const { jobLogs } = require('../../client/logs') as typeof import('../../client/logs');
        const stream = flags.stderr ? 'stderr' : 'stdout';
        const property = flags.stderr ? 'JobStandardErrorLog' : 'JobLog';
        let whole = '';
        try {
          for await (const text of jobLogs(ref.logSource, { follow: flags.follow, stream, abortSignal: ctx.io.signal })) {
            if (flags.json && flags.follow) ctx.out.jsonLine({ stream, text });
            else if (flags.json) whole += text;
            else ctx.out.write(text);
          }
        } catch (error) {
          if (isAbort(error) || ctx.io.signal.aborted) return exitCodes.interrupted;
          throw error;
        }
        if (flags.json && !flags.follow) ctx.out.json({ jobId, [property]: whole });
        return exitCodes.ok;
      }),
    );
}
