import fs from 'node:fs';
import type { Command } from 'commander';
import type { JobBodySpec } from '../../client/submission';
import type { MapSubmitOptions } from '../../client/submitOptions';
import { act } from '../act';
import type { CommandContext } from '../context';
import { exitCodes, usageError } from '../exitCodes';
import { numberOption, parseScriptArgument, positiveIntegerOption, secondsOption } from '../parse';
import { watchArray, watchJob } from '../watchJob';
import { addJobSettingOptions, type SubmitFlags, submitOptionsFromFlags } from './submit';

/** The submit flags plus the array's own. */
export interface MapFlags extends SubmitFlags {
  elements?: string;
  spanSize?: number;
  retryWindow?: number;
}

/** Elements from a JSON file holding an array ('-': stdin). */
export function readElementsFile(file: string, readStdin: () => string = () => fs.readFileSync(0, 'utf8')): unknown[] {
  let text: string;
  try {
    text = file === '-' ? readStdin() : fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw usageError(`--elements: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw usageError(`--elements: ${file === '-' ? 'stdin' : file} is not JSON (${(error as Error).message}).`);
  }
  if (!Array.isArray(parsed)) throw usageError(`--elements: ${file === '-' ? 'stdin' : file} must hold a JSON array of elements.`);
  return parsed;
}

/** The body and the elements of a map from its positional arguments and flags. */
export function mapBodyAndElements(first: string | undefined, rest: string[], flags: MapFlags, readFile = readElementsFile): { body: JobBodySpec; elements: unknown[] } {
  let body: JobBodySpec;
  let given: string[];
  if (flags.command !== undefined) {
    if (flags.export !== undefined) throw usageError('--export applies to script jobs only.');
    body = { command: flags.command };
    given = first === undefined ? rest : [first, ...rest];
  } else {
    if (first === undefined) throw usageError('what should each child run? Give a script (remote-batch map job.ts 1 2 3) or --command "<command line>".');
    body = { script: first, ...(flags.export !== undefined ? { exportName: flags.export } : {}) };
    given = rest;
  }
  if (flags.elements !== undefined && given.length) throw usageError('give the elements as arguments or with --elements <file>, not both.');
  const elements = flags.elements !== undefined ? readFile(flags.elements) : given.map(parseScriptArgument);
  if (elements.length === 0) throw usageError('an array job needs at least one element: list them after the script, or pass --elements <file>.');
  return { body, elements };
}

/** The array's own flags, beside submit's settings. */
export function addMapOptions(command: Command): Command {
  return command
    .option('--elements <file>', "a JSON file holding the array of elements ('-': read it from stdin)")
    .option('--max-parallel <n>', 'MaxParallel: the most children running at once (default: no limit); remote-batch throttle changes it while the array runs', numberOption('MaxParallel'))
    .option('--span-size <n>', 'elements per child (default 1): pack cheap elements so each task does more', positiveIntegerOption('--span-size'))
    .option('--retry-window <seconds>', 'how long a finished array with failed children stays open for retry (default one day)', secondsOption('--retry-window', 'zero or more'));
}

/** mapSubmit's options from the flags. */
export function mapOptionsFromFlags(flags: MapFlags, abortSignal: AbortSignal): MapSubmitOptions {
  const options: MapSubmitOptions = submitOptionsFromFlags(flags, abortSignal);
  if (flags.spanSize !== undefined) options.spanSize = flags.spanSize;
  if (flags.retryWindow !== undefined) options.retryWindowInSeconds = flags.retryWindow;
  return options;
}

export function registerArrayCommands(program: Command, ctx: CommandContext): void {
  const mapCommand = program
    .command('map')
    .summary('submit an array job: one child per element (RemoteBatchMapSubmit)')
    .description(
      "The seed's RemoteBatchMapSubmit: one Azure job with a task per child. A script is called with each element " +
        '(an element is JSON where it parses, text otherwise); a --command child finds its element in the file named by ' +
        'REMOTE_BATCH_ELEMENT_FILE and its index in REMOTE_BATCH_CHILD_INDEX. Prints the array job\'s id; its children are ' +
        '<id>/1, <id>/2, … in every other command.',
    )
    .argument('[script]', 'the JS/TS module to run for each element')
    .argument('[elements...]', 'the elements');
  addMapOptions(addJobSettingOptions(mapCommand))
    .option('--json', 'print the submitted job as JSON')
    .addHelpText(
      'after',
      `
Examples:
  remote-batch --pool local map examples/jobs/square.ts 1 2 3 4 --wait
  remote-batch --pool local map job.ts --elements inputs.json --span-size 10
  remote-batch --pool local map --command '/bin/sh -c "cat $REMOTE_BATCH_ELEMENT_FILE"' '{"a":1}' '{"a":2}'`,
    )
    .action(
      act(ctx, async (first: string | undefined, rest: string[], flags: MapFlags, command: Command) => {
        const { body, elements } = mapBodyAndElements(first, rest, flags);
        const options = mapOptionsFromFlags(flags, ctx.io.signal);
        if (flags.timeout !== undefined && !flags.wait) throw usageError('--timeout applies with --wait only.');
        const env = await ctx.environment(command);
        const { mapSubmit } = require('../../client/mapSubmit') as typeof import('../../client/mapSubmit');
        const array = await mapSubmit(env, body, elements, options);
        const { childCount } = await array.state({ abortSignal: ctx.io.signal });
        if (flags.json) ctx.out.jsonLine({ jobId: array.jobId, JobStatus: 'Active', JobType: 'Array', ChildJobCount: childCount, pool: env.poolId, connection: env.connection });
        else ctx.out.line(array.jobId);
        if (!flags.wait) {
          if (!flags.json) ctx.out.info(`submitted an array job of ${childCount} children to pool ${env.poolId}; follow it with: remote-batch watch ${array.jobId}`);
          return exitCodes.ok;
        }
        return watchArray(ctx, array, { json: flags.json, timeoutInMs: flags.timeout !== undefined ? flags.timeout * 1000 : undefined });
      }),
    );

  program
    .command('retry')
    .summary('rerun what failed: a Failed single job, or the failed children of an array job')
    .description(
      "Reruns what failed over the same Azure job, keeping everything that succeeded: a Failed single job's task, or the " +
        "failed children of an array job (the client's retry / retryFailed). Possible within the job's retry window (map " +
        '--retry-window; a day by default) and not after an abort. Each retry is a new run of the same workflow id, linked ' +
        'to the run it retries.',
    )
    .argument('<job-id>', 'the single job or the array job')
    .option('--wait', 'then watch the job until it ends; the exit code says how it ended')
    .option('--timeout <seconds>', 'with --wait: stop waiting after this long (exit 4)', secondsOption('--timeout'))
    .option('--json', 'print {"jobId", "rerun"} (array) or {"jobId", "attempt"} (single job) as JSON')
    .action(
      act(ctx, async (jobId: string, flags: { wait?: boolean; timeout?: number; json?: boolean }, command: Command) => {
        const job = await ctx.job(command, jobId);
        if (job.jobType === 'ArrayChild') throw usageError(`${job.jobId} is an array child; retry the array job (${job.array.jobId}) to rerun its failed children.`);
        const timeoutInMs = flags.timeout !== undefined ? flags.timeout * 1000 : undefined;
        if (job.jobType === 'Single') {
          const attempt = await job.retry({ abortSignal: ctx.io.signal });
          if (flags.json) ctx.out.jsonLine({ jobId: job.jobId, attempt });
          else ctx.out.line(`rerunning ${job.jobId} (attempt ${attempt})`);
          return flags.wait ? watchJob(ctx, job, { json: flags.json, timeoutInMs }) : exitCodes.ok;
        }
        const rerun = await job.retryFailed({ abortSignal: ctx.io.signal });
        if (flags.json) ctx.out.jsonLine({ jobId: job.jobId, rerun });
        else ctx.out.line(rerun ? `rerunning ${rerun} failed child${rerun === 1 ? '' : 'ren'} of ${job.jobId}` : `${job.jobId} has no failed children to retry.`);
        return flags.wait ? watchArray(ctx, job, { json: flags.json, timeoutInMs }) : exitCodes.ok;
      }),
    );
}
