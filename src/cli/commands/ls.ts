import type { Command } from 'commander';
import type { JobSummary } from '../../client/jobSummaries';
import { arrayJobStatuses, singleJobStatuses } from '../../model/status';
import type { CommandContext } from '../context';
import { exitCodes } from '../exitCodes';
import { choiceOption, labelAssignment, namePatternOption, positiveIntegerOption } from '../parse';
import { act } from '../program';
import { formatAge, formatRunTime, formatTable, pageLine, paint, statusColour } from '../render';

interface LsFlags {
  type?: 'Single' | 'Array';
  status?: (typeof singleJobStatuses)[number] | (typeof arrayJobStatuses)[number];
  name?: string;
  label?: Record<string, string>;
  limit: number;
  page: number;
  json?: boolean;
}

const allStatuses = [...new Set([...singleJobStatuses, ...arrayJobStatuses])];

/** The NAME column shows only when a listed job has a name. */
export function jobTableLines(jobs: JobSummary[], colour = false, now: Date = new Date()): string[] {
  const named = jobs.some((job) => job.JobName !== undefined);
  const rows = jobs.map((job) => [
    job.jobId,
    ...(named ? [job.JobName ?? '-'] : []),
    job.JobType,
    job.JobStatus,
    formatAge(job.JobSubmissionTime, now),
    formatRunTime(job.JobStartTime, job.JobCompletionTime, now),
    job.JobStatusReason ?? '',
  ]);
  const lines = formatTable(['JOB ID', ...(named ? ['NAME'] : []), 'TYPE', 'STATUS', 'SUBMITTED', 'RAN', 'REASON'], rows);
  // Colour after aligning, so escape codes do not count as width.
  return colour ? lines.map((line, index) => (index === 0 ? line : line.replace(jobs[index - 1].JobStatus, (status) => paint(status, statusColour(status), true)))) : lines;
}

export function registerLs(program: Command, ctx: CommandContext): void {
  program
    .command('ls')
    .summary("list the environment's jobs, newest first")
    .description(
      "Lists the jobs of the environment (pool and connection), newest submission first — the seed's RemoteBatchJobs — " +
        'a page at a time, with how long ago each was submitted and how long it ran, and a "showing N of M" line on stderr. ' +
        '--json gives the exact times.',
    )
    .option('--type <type>', 'Single or Array', choiceOption('--type', ['Single', 'Array'] as const))
    .option('--status <status>', `one of ${allStatuses.join(', ')}`, choiceOption('--status', allStatuses))
    .option('--name <name>', "jobs of this name, or whose name starts so: 'nightly*'", namePatternOption)
    .option('--label <KEY=VALUE>', 'jobs with this label (repeatable: every one)', labelAssignment)
    .option('--limit <n>', 'jobs per page', positiveIntegerOption('--limit'), 50)
    .option('--page <n>', 'which page (from 1)', positiveIntegerOption('--page'), 1)
    .option('--json', 'print as JSON, with exact ISO 8601 times')
    .action(
      act(ctx, async (flags: LsFlags, command: Command) => {
        const env = await ctx.environment(command);
        const { listJobSummaryPage } = require('../../client/jobSummaries') as typeof import('../../client/jobSummaries');
        const filters = { type: flags.type, status: flags.status, name: flags.name, labels: flags.label };
        const page = await listJobSummaryPage(env, { ...filters, pageSize: flags.limit, page: flags.page });
        const filtered = Object.values(filters).some((value) => value !== undefined);
        if (flags.json) {
          ctx.out.json(page.jobs);
        } else if (page.total === 0) {
          ctx.out.info(`no jobs${filtered ? ' that match' : ''} in this environment (pool ${env.poolId}, connection ${env.connection}).`);
          return exitCodes.ok;
        } else {
          for (const line of jobTableLines(page.jobs, ctx.out.color)) ctx.out.line(line);
        }
        ctx.out.info(pageLine({ ...page, shown: page.jobs.length }, filtered ? 'matching jobs' : 'jobs'));
        return exitCodes.ok;
      }),
    );
}
