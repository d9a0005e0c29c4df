import type { Command } from 'commander';
import type { JobBodySpec } from '../../client/submission';
import type { SubmitOptions } from '../../client/submitOptions';
import { type DependencyCondition, dependencyConditions } from '../../model/dependencies';
import { notifyOnChoices } from '../../model/notifications';
import { type ProviderSettings, validateSettings } from '../../model/settings';
import { act } from '../act';
import type { CommandContext } from '../context';
import { exitCodes, usageError } from '../exitCodes';
import { choiceOption, collect, environmentAssignment, exitCodeList, jobNameOption, jobIdList, labelAssignment, numberOption, parseScriptArgument, positiveIntegerOption, secondsOption } from '../parse';
import { watchJob } from '../watchJob';

export interface SubmitFlags {
  command?: string;
  export?: string;
  containerImage?: string;
  jobPriority?: number;
  vcpuCount?: number;
  timeConstraint?: number;
  maxRetries?: number;
  /** map only. */
  maxParallel?: number;
  retryOn?: (number | { Start: number; End: number })[];
  retryAttempts?: number;
  retryBackoff?: number;
  env?: Record<string, string>;
  input?: string[];
  name?: string;
  label?: Record<string, string>;
  after?: string[];
  afterCondition?: DependencyCondition;
  notify?: string;
  notifySecret?: string;
  notifyOn?: 'end' | 'changes';
  wait?: boolean;
  timeout?: number;
  json?: boolean;
}

/** The job body from the positional script and its arguments, or --command. */
export function jobBodyFromArguments(script: string | undefined, args: string[], flags: Pick<SubmitFlags, 'command' | 'export'>): JobBodySpec {
  if (flags.command !== undefined && script !== undefined) {
    throw usageError(`give a script or --command, not both (got script '${script}' and --command).`);
  }
  if (flags.command !== undefined) {
    if (flags.export !== undefined) throw usageError('--export applies to script jobs only.');
    return { command: flags.command };
  }
  if (script === undefined) throw usageError('what should the job run? Give a script (remote-batch submit job.ts 12) or --command "<command line>".');
  return { script, args: args.map(parseScriptArgument), ...(flags.export !== undefined ? { exportName: flags.export } : {}) };
}

/** The seed's settings, by their own names, from the flags that were given. */
export function settingsFromFlags(flags: SubmitFlags): ProviderSettings {
  const settings: ProviderSettings = {};
  if (flags.containerImage !== undefined) settings.ContainerImage = flags.containerImage;
  if (flags.jobPriority !== undefined) settings.JobPriority = flags.jobPriority;
  if (flags.vcpuCount !== undefined) settings.VCPUCount = flags.vcpuCount;
  if (flags.timeConstraint !== undefined) settings.TimeConstraint = flags.timeConstraint;
  if (flags.maxRetries !== undefined) settings.MaxRetries = flags.maxRetries;
  if (flags.maxParallel !== undefined) settings.MaxParallel = flags.maxParallel;
  if (flags.retryOn === undefined && (flags.retryAttempts !== undefined || flags.retryBackoff !== undefined)) {
    throw usageError('--retry-attempts and --retry-backoff go with --retry-on <exit codes>.');
  }
  if (flags.retryOn !== undefined) {
    settings.RetryOn = {
      ExitCodes: flags.retryOn,
      ...(flags.retryAttempts !== undefined ? { MaxAttempts: flags.retryAttempts } : {}),
      ...(flags.retryBackoff !== undefined ? { BackoffSeconds: flags.retryBackoff } : {}),
    };
  }
  if (flags.env !== undefined) settings.EnvironmentVariables = flags.env;
  return settings;
}

/**
 * Submit's options from the flags, the settings checked before anything is
 * reached: a bad value is refused naming its setting even when no Temporal
 * server answers.
 */
export function submitOptionsFromFlags(flags: SubmitFlags, abortSignal: AbortSignal): SubmitOptions {
  const settings = settingsFromFlags(flags);
  validateSettings(settings);
  return {
    settings,
    ...(flags.input !== undefined ? { inputFiles: flags.input } : {}),
    ...(flags.name !== undefined ? { name: flags.name } : {}),
    ...(flags.label !== undefined ? { labels: flags.label } : {}),
    ...(flags.after !== undefined ? { after: flags.after } : {}),
    ...(flags.afterCondition !== undefined ? { afterCondition: flags.afterCondition } : {}),
    ...notifyFromFlags(flags),
    abortSignal,
  };
}

/** --notify and the flags that go with it. */
function notifyFromFlags(flags: SubmitFlags): Pick<SubmitOptions, 'notify'> {
  if (flags.notify === undefined) {
    if (flags.notifySecret !== undefined || flags.notifyOn !== undefined) throw usageError('--notify-secret and --notify-on go with --notify <url>.');
    return {};
  }
  return { notify: { url: flags.notify, ...(flags.notifySecret !== undefined ? { secret: flags.notifySecret } : {}), ...(flags.notifyOn !== undefined ? { on: flags.notifyOn } : {}) } };
}

/** The seed's settings and the submission options, shared by submit and map. */
export function addJobSettingOptions(command: Command): Command {
  return command
    .option('--command <command-line>', 'run this command line instead of a script')
    .option('--export <name>', 'the script export to call (default: the default export)')
    .option('--container-image <image>', 'ContainerImage: the Docker image the task runs in (default node:20-slim)')
    .option('--job-priority <number>', 'JobPriority: -1 (lowest) to 1 (highest), default 0', numberOption('JobPriority'))
    .option('--vcpu-count <n>', 'VCPUCount: task slots the job takes and the processor count it sees, default 1', positiveIntegerOption('VCPUCount'))
    .option('--time-constraint <seconds>', 'TimeConstraint: the task\'s wall-clock limit', numberOption('TimeConstraint'))
    .option('--max-retries <n>', 'MaxRetries: times Batch reruns the task if it exits nonzero, default 0', numberOption('MaxRetries'))
    .option('--retry-on <exit-codes>', 'RetryOn: exit codes and ranges that earn a rerun, e.g. 137,143,200-210 (other nonzero exits fail at once)', exitCodeList)
    .option('--retry-attempts <n>', 'with --retry-on: the most runs, the first included (default 3)', numberOption('RetryOn.MaxAttempts'))
    .option('--retry-backoff <seconds>', 'with --retry-on: seconds before each rerun (default 0)', numberOption('RetryOn.BackoffSeconds'))
    .option('--env <NAME=VALUE>', 'an environment variable for the task (repeatable)', environmentAssignment)
    .option('--input <file>', 'a local file placed in the task\'s working directory (repeatable)', collect)
    .option('--name <name>', "the job's name: shown first in the Temporal UI; ls --name finds it", jobNameOption)
    .option('--label <KEY=VALUE>', 'a label of the job, e.g. team=vision (repeatable); ls --label finds it', labelAssignment)
    .option('--after <job-ids>', 'run only after these jobs (comma-separated, repeatable; at most 20): nothing is created in Azure until then', jobIdList)
    .option('--after-condition <condition>', "with --after: succeeded (default: each succeeded), ended (either way) or failed (each failed)", choiceOption('--after-condition', dependencyConditions))
    .option('--notify <url>', 'POST a JSON notification to this URL when the job ends, retried for up to a day')
    .option('--notify-secret <name>', "with --notify: sign it (HMAC-SHA256) with the workers' secret of this name (REMOTE_BATCH_NOTIFY_SECRET_<NAME>)")
    .option('--notify-on <when>', 'with --notify: end (default) or changes (every status change)', choiceOption('--notify-on', notifyOnChoices))
    .option('--wait', 'watch the job until it ends; the exit code then says how it ended')
    .option('--timeout <seconds>', 'with --wait: stop waiting after this long (exit 4)', secondsOption('--timeout'));
}

export function registerSubmit(program: Command, ctx: CommandContext): void {
  const submitCommand = program
    .command('submit')
    .summary('submit a single job (a script with arguments, or a command line)')
    .description(
      'Submits a single job to the pool and prints its id. A script is a JS/TS module whose default export (or --export) ' +
        'is called with the arguments; each argument is JSON where it parses (12, true, \'{"a":1}\') and text otherwise. ' +
        'Put arguments that start with "-" after "--". With --command, any command line runs instead, without a shell ' +
        '(write /bin/sh -c "…" for one); a result.json it writes is its result.',
    )
    .argument('[script]', 'the JS/TS module to run')
    .argument('[args...]', 'arguments for the script');
  addJobSettingOptions(submitCommand)
    .option('--json', 'print the submitted job as JSON')
    .addHelpText(
      'after',
      `
Examples:
  remote-batch --pool local submit examples/jobs/square.ts 12 --vcpu-count 2
  remote-batch --pool local submit train.ts --name nightly-train --label team=vision --label run=42
  remote-batch --pool local submit report.ts --after $TRAIN,$EVAL --after-condition ended
  remote-batch --pool local submit --command '/bin/sh -c "echo hi > JobOutput/hi.txt"' --wait
  JOB=$(remote-batch --pool local submit job.ts -- -5)`,
    )
    .action(
      act(ctx, async (script: string | undefined, args: string[], flags: SubmitFlags, command: Command) => {
        const body = jobBodyFromArguments(script, args, flags);
        const options = submitOptionsFromFlags(flags, ctx.io.signal);
        if (flags.timeout !== undefined && !flags.wait) throw usageError('--timeout applies with --wait only.');
        const env = await ctx.environment(command);
        const { submit } = require('../../client/submit') as typeof import('../../client/submit');
        const job = await submit(env, body, options);
        if (flags.json) {
          ctx.out.jsonLine({ jobId: job.jobId, JobStatus: 'Active', pool: env.poolId, connection: env.connection });
        } else {
          ctx.out.line(job.jobId);
        }
        if (!flags.wait) {
          if (!flags.json) ctx.out.info(`submitted to pool ${env.poolId}; follow it with: remote-batch watch ${job.jobId}`);
          return exitCodes.ok;
        }
        return watchJob(ctx, job, { json: flags.json, timeoutInMs: flags.timeout !== undefined ? flags.timeout * 1000 : undefined });
      }),
    );
}
