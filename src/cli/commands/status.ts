import type { Command } from 'commander';
import { arrayJobPropertyNames } from '../../client/arrayProperties';
import { singleJobPropertyNames, UnknownPropertyError } from '../../client/properties';
import type { CommandContext } from '../context';
import { exitCodes } from '../exitCodes';
import type { JobRef } from '../jobRef';
import { act } from '../act';
import type { ChildSummary, ChildSummaryPage } from '../../client/childSummaries';
import { positiveIntegerOption } from '../parse';
import { formatProperties, formatRunTime, formatTable, formatValue, pageLine, paint, statusColour } from '../render';

/** What `status` shows by default: the job's state, not its (possibly large) logs and results. */
const statusSummaryProperties = [
  'JobStatus',
  'JobStatusReason',
  'JobName',
  'JobLabels',
  'JobType',
  'JobExitCode',
  'JobSubmissionTime',
  'JobStartTime',
  'JobCompletionTime',
  'ProviderJobID',
  'ProviderTaskID',
  'ProviderSettings',
  'JobInputFilenames',
  'Environment',
] as const;

const arrayStatusSummaryProperties = [
  'JobStatus',
  'JobStatusReason',
  'JobName',
  'JobLabels',
  'JobType',
  'ChildJobCount',
  'ChildJobCounts',
  'JobSubmissionTime',
  'JobStartTime',
  'JobCompletionTime',
  'ProviderJobID',
  'ProviderFirstTaskID',
  'ProviderSettings',
  'JobInputFilenames',
  'Environment',
] as const;

const allPropertyNames = [...new Set([...singleJobPropertyNames, ...arrayJobPropertyNames])];

interface StatusFlags {
  json?: boolean;
  all?: boolean;
  limit: number;
  page: number;
}

/** The table of an array's children under its status: one page of them. */
function childTableLines(jobId: string, children: ChildSummary[], colour = false, now: Date = new Date()): string[] {
  const rows = children.map((child) => [
    `${jobId}/${child.child}`,
    child.JobStatus,
    child.JobExitCode !== undefined ? String(child.JobExitCode) : '-',
    formatRunTime(child.JobStartTime, child.JobCompletionTime, now),
    child.JobStatusReason ?? '',
  ]);
  const lines = formatTable(['CHILD', 'STATUS', 'EXIT', 'RAN', 'REASON'], rows);
  return colour ? lines.map((line, index) => (index === 0 ? line : line.replace(children[index - 1].JobStatus, (status) => paint(status, statusColour(status), true)))) : lines;
}

/** Refuses a misspelt property before anything is asked of the service, with the closest name. */
function checkPropertyNames(names: string[], known: readonly string[] = allPropertyNames): void {
  for (const name of names) {
    if (!known.includes(name)) throw new UnknownPropertyError(name, known);
  }
}

/** Child job objects print as the ids that name them (rb-…/n), not as objects. */
function printable(name: string, value: unknown): unknown {
  if (name === 'ChildJobObjects' && Array.isArray(value)) {
    return value.map((child: { array: { jobId: string }; index: number }) => `${child.array.jobId}/${child.index}`);
  }
  return value;
}

async function readProperties(job: JobRef, names: readonly string[], abortSignal: AbortSignal): Promise<[string, unknown][]> {
  return Promise.all(names.map(async (name) => [name, printable(name, await job.get(name, { abortSignal }))] as [string, unknown]));
}

export function registerStatus(program: Command, ctx: CommandContext): void {
  program
    .command('status')
    .summary("show a job's status and properties")
    .description(
      "Shows a job's status and main properties, every property with --all, or just the ones named, by the seed's " +
        `names. A Single job or array child (rb-…/n) has ${singleJobPropertyNames.join(', ')}. ` +
        `An array job has ${arrayJobPropertyNames.join(', ')}.`,
    )
    .argument('<job-id>', 'the job (rb-…/n: child n of an array job)')
    .argument('[properties...]', 'property names to show (e.g. JobStatus EvaluationData)')
    .option('--all', 'every property, logs and results included')
    .option('--limit <n>', "an array job: children per page of its children's table", positiveIntegerOption('--limit'), 20)
    .option('--page <n>', "an array job: which page of its children's table (from 1)", positiveIntegerOption('--page'), 1)
    .option('--json', 'print as JSON, with exact ISO 8601 times')
    .action(
      act(ctx, async (jobId: string, properties: string[], flags: StatusFlags, command: Command) => {
        checkPropertyNames(properties);
        const job = await ctx.job(command, jobId);
        const known = job.jobType === 'Array' ? arrayJobPropertyNames : singleJobPropertyNames;
        checkPropertyNames(properties, known);
        const summary = job.jobType === 'Array' ? arrayStatusSummaryProperties : statusSummaryProperties;
        const names = properties.length ? properties : flags.all ? known.filter((name) => name !== 'Properties') : summary;
        const entries = await readProperties(job, names, ctx.io.signal);
        // An array's own summary comes with a page of its children.
        let childPage: ChildSummaryPage | undefined;
        let childrenGone: string | undefined;
        if (job.jobType === 'Array' && properties.length === 0) {
          const { listChildSummaries } = require('../../client/childSummaries') as typeof import('../../client/childSummaries');
          try {
            childPage = await listChildSummaries(job, { page: flags.page, pageSize: flags.limit, abortSignal: ctx.io.signal });
          } catch (error) {
            // A deleted array's own state still shows; its children's, kept in its container, are gone.
            if ((error as Error).name !== 'JobDeletedError') throw error;
            childrenGone = (error as Error).message;
          }
        }
        if (flags.json) {
          ctx.out.json({ jobId: job.jobId, ...Object.fromEntries(entries), ...(childPage ? { children: childPage.children.map((child) => ({ jobId: `${job.jobId}/${child.child}`, ...child })) } : {}) });
        } else if (properties.length === 1) {
          const value = entries[0][1];
          ctx.out.line(value instanceof Date ? value.toISOString() : formatValue(value));
        } else {
          // The summary leaves out what says nothing: no value, or no labels.
          const saysNothing = (value: unknown) => value === undefined || (typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date) && Object.keys(value).length === 0);
          const shown = entries.filter(([, value]) => properties.length > 0 || !saysNothing(value));
          const coloured = shown.map(([name, value]): [string, unknown] => [name, name === 'JobStatus' ? paint(String(value), statusColour(String(value)), ctx.out.color) : value]);
          for (const line of formatProperties(coloured)) ctx.out.line(line);
          if (childPage) {
            ctx.out.line();
            for (const line of childTableLines(job.jobId, childPage.children, ctx.out.color)) ctx.out.line(line);
          }
        }
        if (childPage) ctx.out.info(pageLine({ ...childPage, shown: childPage.children.length }, 'children'));
        if (childrenGone) ctx.out.info(childrenGone);
        return exitCodes.ok;
      }),
    );
}
