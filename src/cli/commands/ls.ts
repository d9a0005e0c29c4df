import type { Command } from 'commander';
import type { JobSummary } from '../../client/jobSummaries';
import { arrayJobStatuses, singleJobStatuses } from '../../model/status';
import type { CommandContext } from '../context';
import { exitCodes } from '../exitCodes';
import { choiceOption, positiveIntegerOption } from '../parse';
import { act } from '../program';
import { formatTable, formatValue, paint, statusColour } from '../render';

interface LsFlags {
  type?: 'Single' | 'Array';
  status?: (typeof singleJobStatuses)[number] | (typeof arrayJobStatuses)[number];
  limit: number;
  json?: boolean;
}

const allStatuses = [...new Set([...singleJobStatuses, ...arrayJobStatuses])];

export function jobTableLines(jobs: JobSummary[], colour = false): string[] {
  const rows = jobs.map((job) => [
    job.jobId,
    job.JobType,
    job.JobStatus,
    job.JobSubmissionTime ? formatValue(job.JobSubmissionTime) : '-',
    job.JobStatusReason ?? '',
  ]);
  const lines = formatTable(['JOB ID', 'TYPE', 'STATUS', 'SUBMITTED', 'REASON'], rows);
  // Colour after aligning, so escape codes do not count as width.
  return colour ? lines.map((line, index) => (index === 0 ? line : line.replace(jobs[index - 1].JobStatus, (status) => paint(status, statusColour(status), true)))) : lines;
}

export function registerLs(program: Command, ctx: CommandContext): void {
  program
    .command('ls')
    .summary("list the environment's jobs, newest first")
    .description("Lists the jobs of the environment (pool and connection), newest first — the seed's RemoteBatchJobs.")
    .option('--type <type>', 'Single or Array', choiceOption('--type', ['Single', 'Array'] as const))
    .option('--status <status>', `one of ${allStatuses.join(', ')}`, choiceOption('--status', allStatuses))
    .option('--limit <n>', 'at most this many jobs', positiveIntegerOption('--limit'), 50)
    .option('--json', 'print as JSON')
    .action(
      act(ctx, async (flags: LsFlags, command: Command) => {
        const env = await ctx.environment(command);
        const { listJobSummaries } = require('../../client/jobSummaries') as typeof import('../../client/jobSummaries');
        const jobs: JobSummary[] = [];
        for await (const job of listJobSummaries(env, { type: flags.type, status: flags.status })) {
          jobs.push(job);
          if (jobs.length >= flags.limit) break;
        }
        if (flags.json) {
          ctx.out.json(jobs);
        } else if (jobs.length === 0) {
          ctx.out.info(`no jobs in this environment (pool ${env.poolId}, connection ${env.connection})${flags.type || flags.status ? ' match' : ''}.`);
        } else {
          for (const line of jobTableLines(jobs, ctx.out.color)) ctx.out.line(line);
        }
        return exitCodes.ok;
      }),
    );
}
