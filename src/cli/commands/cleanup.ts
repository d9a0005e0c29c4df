import type { Command } from 'commander';
import type { DeletedJob, JobToClean } from '../../client/cleanup';
import { cleanAgeProblem } from '../../model/cleanAge';
import { arrayJobStatuses, type JobStatus, singleJobStatuses } from '../../model/status';
import type { CommandContext } from '../context';
import { CliError, exitCodes, usageError } from '../exitCodes';
import { choiceOption, collectChoices } from '../parse';
import { act } from '../act';
import { TerminalPrompter } from '../prompt';
import { formatTable } from '../render';

interface DeleteFlags {
  workflow?: boolean;
  yes?: boolean;
  json?: boolean;
}

interface CleanFlags extends DeleteFlags {
  olderThan: number;
  status?: JobStatus[];
  dryRun?: boolean;
}

const allStatuses = [...new Set([...singleJobStatuses, ...arrayJobStatuses])];
const units: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `7d`, `12h`, `30m`, `45s`, `2w` (or a sum like `1d12h`) → milliseconds. */
export function parseAge(text: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)([smhdw])/g)];
  if (!text || parts.map((part) => part[0]).join('') !== text) {
    throw usageError(`--older-than '${text}' is not an age: a number with s, m, h, d or w, e.g. 7d, 12h, 1d12h.`);
  }
  const age = parts.reduce((sum, part) => sum + Number(part[1]) * units[part[2]], 0);
  const problem = cleanAgeProblem('--older-than', age, `'${text}'`);
  if (problem) throw usageError(problem);
  return age;
}

/** Asks on the terminal (or reads the answer from stdin); without an answer nothing is deleted. */
async function confirmed(ctx: CommandContext, question: string): Promise<boolean> {
  const prompter = ctx.io.prompter?.() ?? new TerminalPrompter(ctx.io.stdin, ctx.io.stderr);
  try {
    return await prompter.confirm(question, false);
  } catch (error) {
    if (error instanceof CliError && error.exitCode === exitCodes.usage) throw usageError('no answer to the question; nothing was deleted. Pass --yes to delete without asking.');
    throw error;
  } finally {
    prompter.close();
  }
}

function what(flags: DeleteFlags): string {
  return `Azure job${flags.workflow ? ', blob container and workflow' : ' and blob container'}`;
}

function jobLines(jobs: JobToClean[]): string[] {
  return formatTable(['JOB ID', 'TYPE', 'STATUS'], jobs.map((job) => [job.jobId, job.JobType, job.JobStatus]));
}

function deletedLine(job: DeletedJob): string {
  const parts = [`Azure job ${job.azureJob}`, `container ${job.container}`, `workflow ${job.workflow}`];
  return `deleted ${job.jobId} (${parts.join(', ')})`;
}

export function registerCleanup(program: Command, ctx: CommandContext): void {
  program
    .command('delete')
    .summary("delete a finished job: its Azure job and blob container (and, with --workflow, its workflow)")
    .description(
      'Deletes a job that has ended: its Azure job, its blob container (inputs, logs, outputs, results) and, with ' +
        '--workflow, its workflow history, after which it no longer lists. Asks first unless --yes. A job still in ' +
        'progress is refused (exit 4): abort it first. Deleting twice is harmless.',
    )
    .argument('<job-id>', 'the job (a whole job; an array job with all its children)')
    .option('--workflow', 'also delete the workflow (its history and its line in ls)')
    .option('-y, --yes', 'delete without asking')
    .option('--json', 'print what was deleted as JSON')
    .action(
      act(ctx, async (jobId: string, flags: DeleteFlags, command: Command) => {
        const job = await ctx.job(command, jobId);
        if (job.jobType === 'ArrayChild') throw usageError(`delete removes a whole job; ${jobId} is a child of an array job. Delete the array (${job.array.jobId}).`);
        if (!flags.yes && !(await confirmed(ctx, `Delete ${job.jobId}: its ${what(flags)}?`))) {
          ctx.out.info('nothing was deleted.');
          return exitCodes.ok;
        }
        const { deleteJob } = require('../../client/cleanup') as typeof import('../../client/cleanup');
        const deleted = await deleteJob(job.environment, job.jobId, { deleteWorkflow: flags.workflow, abortSignal: ctx.io.signal });
        if (flags.json) ctx.out.json(deleted);
        else ctx.out.line(deletedLine(deleted));
        return exitCodes.ok;
      }),
    );

  program
    .command('clean')
    .summary('delete the finished jobs older than an age (--older-than 7d), after asking')
    .description(
      'Deletes every job of the environment whose workflow ended longer ago than --older-than (in the --status ' +
        'statuses, if given): its Azure job, its blob container and, with --workflow, its workflow. Lists them and ' +
        'asks first unless --yes; --dry-run only lists them. Jobs in progress are never touched.',
    )
    .requiredOption('--older-than <age>', 'ended at least this long ago: 7d, 12h, 30m, 45s, 2w', parseAge)
    .option('--status <status>', `only jobs in this status (repeatable): ${allStatuses.join(', ')}`, collectChoices(choiceOption('--status', allStatuses)))
    .option('--workflow', 'also delete their workflows (history and lines in ls)')
    .option('--dry-run', 'list what would be deleted; delete nothing')
    .option('-y, --yes', 'delete without asking')
    .option('--json', 'print what was (or would be) deleted as JSON')
    .action(
      act(ctx, async (flags: CleanFlags, command: Command) => {
        const env = await ctx.environment(command);
        const { findJobsToClean, removeJob } = require('../../client/cleanup') as typeof import('../../client/cleanup');
        const jobs: JobToClean[] = await findJobsToClean(env, { olderThanInMs: flags.olderThan, statuses: flags.status, abortSignal: ctx.io.signal });
        if (jobs.length === 0) {
          if (flags.json) ctx.out.json([]);
          else ctx.out.info(`no finished jobs to clean in this environment (pool ${env.poolId}, connection ${env.connection}).`);
          return exitCodes.ok;
        }
        if (flags.dryRun) {
          if (flags.json) ctx.out.json(jobs);
          else for (const line of jobLines(jobs)) ctx.out.line(line);
          if (!flags.json) ctx.out.info(`would delete ${jobs.length} job${jobs.length === 1 ? '' : 's'} (dry run: nothing was deleted).`);
          return exitCodes.ok;
        }
        if (!flags.yes) {
          for (const line of jobLines(jobs)) ctx.out.info(line);
          if (!(await confirmed(ctx, `Delete these ${jobs.length} job${jobs.length === 1 ? '' : 's'}: their ${what(flags)}?`))) {
            ctx.out.info('nothing was deleted.');
            return exitCodes.ok;
          }
        }
        const deleted: DeletedJob[] = [];
        for (const job of jobs) {
          const one = await removeJob(env, job, { deleteWorkflow: flags.workflow, abortSignal: ctx.io.signal });
          deleted.push(one);
          if (!flags.json) ctx.out.line(deletedLine(one));
        }
        if (flags.json) ctx.out.json(deleted);
        else ctx.out.info(`deleted ${deleted.length} job${deleted.length === 1 ? '' : 's'}.`);
        return exitCodes.ok;
      }),
    );
}
