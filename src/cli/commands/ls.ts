import type { Command } from 'commander';
import type { JobSummary } from '../../client/jobListing';
import { arrayJobStatuses, singleJobStatuses } from '../../model/status';
import { act } from '../act';
import type { CommandContext } from '../context';
import { exitCodes } from '../exitCodes';
import { choiceOption, labelAssignment, namePatternOption, positiveIntegerOption } from '../parse';
import { formatAge, formatRunTime, formatTable, paint, statusColour } from '../render';

interface LsFlags {
  type?: 'Single' | 'Array';
  status?: (typeof singleJobStatuses)[number] | (typeof arrayJobStatuses)[number];
  name?: string;
  label?: Record<string, string>;
  limit: number;
  pageToken?: string;
  json?: boolean;
}

/** "showing 50 jobs; more: remote-batch ls --page-token …", the line on stderr under a page of jobs. */
function jobPageLine(shown: number, next: string | undefined, options: { later: boolean; noun?: string; repeat?: string }): string {
  const noun = options.noun ?? 'jobs';
  const count = shown === 1 ? `1 ${noun.replace(/jobs$/, 'job')}` : `${shown} ${noun}`;
  if (next !== undefined) return `showing ${count}; more: remote-batch ls${options.repeat ?? ''} --page-token ${next}`;
  if (options.later) return `showing ${count} (the last page)`;
  return shown === 1 ? `showing the only ${noun.replace(/jobs$/, 'job')}` : `showing all ${count}`;
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
    .summary("list the environment's jobs: in progress first, then by when they ended")
    .description(
      "Lists the jobs of the environment (pool and connection) — the seed's RemoteBatchJobs — each once, as its latest " +
        'run says: jobs in progress first, then finished jobs by when they ended, most recent first. A page at a time, ' +
        'with how long ago each was submitted and how long it ran; on stderr how many are shown and, when there are ' +
        'more, the --page-token of the next page. --json gives the exact times.',
    )
    .option('--type <type>', 'Single or Array', choiceOption('--type', ['Single', 'Array'] as const))
    .option('--status <status>', `one of ${allStatuses.join(', ')}`, choiceOption('--status', allStatuses))
    .option('--name <name>', "jobs of this name, or whose name starts so: 'nightly*'", namePatternOption)
    .option('--label <KEY=VALUE>', 'jobs with this label (repeatable: every one)', labelAssignment)
    .option('--limit <n>', 'at most this many jobs per page (1 to 1000)', positiveIntegerOption('--limit', 1000), 50)
    .option('--page-token <token>', 'the page after the one whose last line gave this token')
    .option('--json', 'print as JSON, with exact ISO 8601 times')
    .action(
      act(ctx, async (flags: LsFlags, command: Command) => {
        const env = await ctx.environment(command);
        const { listJobSummaries } = require('../../client/jobListing') as typeof import('../../client/jobListing');
        const filters = { type: flags.type, status: flags.status, name: flags.name, labels: flags.label };
        const pages = listJobSummaries(env, { ...filters, abortSignal: ctx.io.signal }).byPage({ maxPageSize: flags.limit, continuationToken: flags.pageToken });
        const page = (await pages.next()).value ?? [];
        const filtered = Object.values(filters).some((value) => value !== undefined);
        if (flags.json) {
          ctx.out.json([...page]);
        } else if (page.length === 0 && flags.pageToken === undefined) {
          ctx.out.info(`no jobs${filtered ? ' that match' : ''} in this environment (pool ${env.poolId}, connection ${env.connection}).`);
          return exitCodes.ok;
        } else {
          for (const line of jobTableLines(page, ctx.out.color)) ctx.out.line(line);
        }
        ctx.out.info(jobPageLine(page.length, page.continuationToken, { later: flags.pageToken !== undefined, noun: filtered ? 'matching jobs' : 'jobs', repeat: sameListing(flags) }));
        return exitCodes.ok;
      }),
    );
}

/** The flags that make the next page's listing the same listing, as a shell reads them. */
function sameListing(flags: LsFlags): string {
  const quoted = (text: string) => (/^[\w.,:=@%+-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`);
  const words = [
    ...(flags.type ? ['--type', flags.type] : []),
    ...(flags.status ? ['--status', flags.status] : []),
    ...(flags.name !== undefined ? ['--name', flags.name] : []),
    ...Object.entries(flags.label ?? {}).flatMap(([key, value]) => ['--label', `${key}=${value}`]),
    ...(flags.limit !== 50 ? ['--limit', String(flags.limit)] : []),
  ];
  return words.map((word) => ` ${quoted(word)}`).join('');
}
