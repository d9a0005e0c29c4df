import type { Command } from 'commander';
import { singleJobPropertyNames, UnknownPropertyError } from '../../client/properties';
import type { CommandContext } from '../context';
import { exitCodes } from '../exitCodes';
import { act } from '../program';
import { formatProperties, formatValue, paint, statusColour } from '../render';

/** What `status` shows by default: the job's state, not its (possibly large) logs and result. */
export const statusSummaryProperties = [
  'JobStatus',
  'JobStatusReason',
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

interface StatusFlags {
  json?: boolean;
  all?: boolean;
}

/** Refuses a misspelt property before anything is asked of the service, with the closest name. */
export function checkPropertyNames(names: string[]): void {
  for (const name of names) {
    if (!(singleJobPropertyNames as readonly string[]).includes(name)) throw new UnknownPropertyError(name, singleJobPropertyNames);
  }
}

export function registerStatus(program: Command, ctx: CommandContext): void {
  program
    .command('status')
    .summary("show a job's status and properties")
    .description(
      `Shows a job's status and main properties, every property with --all, or just the ones named ` +
        `(the seed's names: ${singleJobPropertyNames.join(', ')}).`,
    )
    .argument('<job-id>', 'the job')
    .argument('[properties...]', 'property names to show (e.g. JobStatus EvaluationData)')
    .option('--all', 'every property, logs and result included')
    .option('--json', 'print as JSON')
    .action(
      act(ctx, async (jobId: string, properties: string[], flags: StatusFlags, command: Command) => {
        checkPropertyNames(properties);
        const job = await ctx.job(command, jobId);
        let entries: [string, unknown][];
        if (properties.length) {
          entries = await Promise.all(properties.map(async (name) => [name, await job.get(name as never)] as [string, unknown]));
        } else if (flags.all) {
          entries = Object.entries(await job.properties());
        } else {
          entries = await Promise.all(statusSummaryProperties.map(async (name) => [name, await job.get(name)] as [string, unknown]));
        }
        if (flags.json) {
          ctx.out.json({ jobId, ...Object.fromEntries(entries) });
        } else if (properties.length === 1) {
          ctx.out.line(formatValue(entries[0][1]));
        } else {
          const shown = entries.filter(([, value]) => value !== undefined || properties.length > 0);
          for (const line of formatProperties(shown.map(([name, value]) => [name, name === 'JobStatus' ? paint(String(value), statusColour(String(value)), ctx.out.color) : value]))) {
            ctx.out.line(line);
          }
        }
        return exitCodes.ok;
      }),
    );
}
