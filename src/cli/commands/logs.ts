import type { Command } from 'commander';
import type { ArrayJob } from '../../client/arrayJobObject';
import type { CommandContext } from '../context';
import { act } from '../act';
import { exitCodes, usageError } from '../exitCodes';

interface LogsFlags {
  follow?: boolean;
  stderr?: boolean;
  json?: boolean;
}

function isAbort(error: unknown): boolean {
  return (error as { name?: string } | undefined)?.name === 'AbortError';
}

/** How many children's logs are read at once. */
const logReaders = 8;

/** Every child's log in child order, each under a `==> rb-…/n <==` header (or one JSON array). */
async function arrayLogs(ctx: CommandContext, array: ArrayJob, stream: 'stdout' | 'stderr', property: string, json: boolean): Promise<void> {
  const { mapWithConcurrency } = require('../../model/concurrency') as typeof import('../../model/concurrency');
  const { childCount } = await array.state({ abortSignal: ctx.io.signal });
  const indexes = Array.from({ length: childCount }, (_, i) => i + 1);
  const read = async (index: number) => {
    let text = '';
    for await (const part of array.child(index).logs({ stream, abortSignal: ctx.io.signal })) text += part;
    return text;
  };
  // Read ahead with a few readers, print in child order as each batch completes.
  for (let start = 0; start < indexes.length; start += logReaders * 4) {
    const batch = indexes.slice(start, start + logReaders * 4);
    const texts = await mapWithConcurrency(batch, logReaders, read);
    batch.forEach((index, at) => {
      const id = `${array.jobId}/${index}`;
      if (json) {
        ctx.out.jsonLine({ jobId: id, [property]: texts[at] });
      } else {
        ctx.out.line(`==> ${id} <==`);
        ctx.out.write(texts[at] && !texts[at].endsWith('\n') ? `${texts[at]}\n` : texts[at]);
      }
    });
  }
}

export function registerLogs(program: Command, ctx: CommandContext): void {
  program
    .command('logs')
    .summary("print a job's log (its stdout; --stderr for its standard error)")
    .description(
      "Prints the job's log: its stdout (the JobLog), or its stderr (the JobStandardErrorLog) with --stderr. While the " +
        'job runs it is read from the compute node, afterwards from Blob Storage. -f keeps printing as the log grows ' +
        'until the job ends (exit code 0 either way; use watch or result for the outcome). Of an array job: every ' +
        "child's log in order, each under a '==> <id>/<n> <==' line.",
    )
    .argument('<job-id>', 'the job (rb-…/n: child n of an array job; an array job: all its children)')
    .option('-f, --follow', 'keep printing new output until the job ends (one job or child)')
    .option('--stderr', 'the standard error log instead of stdout')
    .option('--json', 'as JSON: {"jobId", "JobLog"}; with -f or for an array, one object per line')
    .action(
      act(ctx, async (jobId: string, flags: LogsFlags, command: Command) => {
        const job = await ctx.job(command, jobId);
        const stream = flags.stderr ? 'stderr' : 'stdout';
        const property = flags.stderr ? 'JobStandardErrorLog' : 'JobLog';
        try {
          if (job.jobType === 'Array') {
            if (flags.follow) throw usageError(`-f follows one job; name a child of ${job.jobId} (${job.jobId}/1 …), or leave out -f for every child's log.`);
            await arrayLogs(ctx, job, stream, property, Boolean(flags.json));
            return exitCodes.ok;
          }
          let whole = '';
          for await (const text of job.logs({ follow: flags.follow, stream, abortSignal: ctx.io.signal })) {
            if (flags.json && flags.follow) ctx.out.jsonLine({ stream, text });
            else if (flags.json) whole += text;
            else ctx.out.write(text);
          }
          if (flags.json && !flags.follow) ctx.out.json({ jobId, [property]: whole });
        } catch (error) {
          if (isAbort(error) || ctx.io.signal.aborted) return exitCodes.interrupted;
          throw error;
        }
        return exitCodes.ok;
      }),
    );
}
