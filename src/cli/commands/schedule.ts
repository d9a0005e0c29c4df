import { Command, CommanderError } from 'commander';
import type { ScheduledJobSpec } from '../../client/schedules';
import { type Overlap, overlapChoices } from '../../model/schedules';
import { act } from '../act';
import type { CommandContext } from '../context';
import { exitCodes, usageError } from '../exitCodes';
import { choiceOption } from '../parse';
import { addMapOptions, type MapFlags, mapBodyAndElements, mapOptionsFromFlags } from './arrays';
import { addJobSettingOptions, jobBodyFromArguments, type SubmitFlags, submitOptionsFromFlags } from './submit';

interface CreateFlags {
  cron: string[];
  overlap?: Overlap;
  paused?: boolean;
  note?: string;
  json?: boolean;
}

/** The job after `--`, parsed by submit's or map's own flags: what each run submits. */
function scheduledJobFrom(words: string[], signal: AbortSignal): ScheduledJobSpec {
  const [kind, ...rest] = words;
  if (kind !== 'submit' && kind !== 'map') throw usageError('after --, give the job as you would submit it: -- submit … or -- map ….');
  let spec: ScheduledJobSpec | undefined;
  const parser = new Command(kind).exitOverride().configureOutput({ writeOut: () => undefined, writeErr: () => undefined }).argument('[first]').argument('[rest...]');
  addJobSettingOptions(kind === 'map' ? addMapOptions(parser) : parser).action((first: string | undefined, more: string[], flags: SubmitFlags & MapFlags) => {
    if (flags.wait || flags.timeout !== undefined) throw usageError('--wait and --timeout do not apply to a scheduled job: each run is an ordinary job to watch.');
    const { abortSignal: _signal, ...options } = kind === 'map' ? mapOptionsFromFlags(flags, signal) : submitOptionsFromFlags(flags, signal);
    if (kind === 'submit') spec = { submit: jobBodyFromArguments(first, more, flags), options };
    else {
      const { body, elements } = mapBodyAndElements(first, more, flags);
      spec = { map: body, items: elements, options };
    }
  });
  try {
    parser.parse(rest, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) throw usageError(`the scheduled ${kind}: ${error.message.replace(/^error: /, '')}`);
    throw error;
  }
  return spec!;
}

export function registerSchedule(program: Command, ctx: CommandContext): void {
  const schedule = program
    .command('schedule')
    .summary('run a job on a schedule (Temporal Schedules): create, ls, pause, unpause, trigger, delete')
    .description('Jobs on a cron schedule. Each run is an ordinary job (id rbs-<name>-<time>) with the labels schedule=<name> and those given.');

  schedule
    .command('create')
    .summary('create a schedule that submits a job at each cron time')
    .argument('<name>', '1 to 30 lowercase letters, digits and hyphens')
    .argument('<job...>', 'after --: the job, as for submit or map (submit --command … / map job.ts 1 2 3)')
    .requiredOption('--cron <expression>', "when, in UTC: minute hour day month weekday, e.g. '0 2 * * *' (repeatable)", (text: string, previous: string[] = []) => [...previous, text])
    .option('--overlap <policy>', 'when a run is due while the last one\'s job still runs: skip (default), buffer-one or allow', choiceOption('--overlap', overlapChoices))
    .option('--paused', 'create it paused')
    .option('--note <text>', 'why it exists or is paused, shown with it')
    .option('--json', 'print the schedule as JSON')
    .addHelpText('after', "\nExamples:\n  remote-batch --pool local schedule create nightly --cron '0 2 * * *' -- submit --command 'python3 report.py' --name nightly-report\n  remote-batch --pool local schedule create hourly --cron '0 * * * *' --overlap buffer-one -- map job.ts 1 2 3")
    .action(
      act(ctx, async (name: string, job: string[], flags: CreateFlags, command: Command) => {
        const spec = scheduledJobFrom(job, ctx.io.signal);
        const env = await ctx.environment(command);
        const { createSchedule } = require('../../client/schedules') as typeof import('../../client/schedules');
        const created = await createSchedule(env, name, spec, { cron: flags.cron, overlap: flags.overlap, paused: flags.paused, note: flags.note, abortSignal: ctx.io.signal });
        const described = await created.describe({ abortSignal: ctx.io.signal });
        if (flags.json) ctx.out.json(described);
        else ctx.out.line(`schedule ${name} created; next run ${described.paused ? '(paused)' : (described.nextRunTimes[0] ?? 'none')}`);
        return exitCodes.ok;
      }),
    );

  schedule
    .command('ls')
    .summary('list the schedules with their next run times')
    .option('--json', 'print them as JSON')
    .action(
      act(ctx, async (flags: { json?: boolean }, command: Command) => {
        const env = await ctx.environment(command);
        const { listSchedules } = require('../../client/schedules') as typeof import('../../client/schedules');
        const schedules = await listSchedules(env, { abortSignal: ctx.io.signal });
        if (flags.json) ctx.out.json(schedules);
        else for (const listed of schedules) ctx.out.line(`${listed.name}  ${listed.cron.join(' | ')}  ${listed.paused ? 'paused' : `next ${listed.nextRunTimes[0] ?? 'none'}`}  last job ${listed.recentJobIds.at(-1) ?? '-'}`);
        return exitCodes.ok;
      }),
    );

  const actions: [string, string, (handle: import('../../client/schedules').JobSchedule, note: string | undefined, signal: AbortSignal) => Promise<void>][] = [
    ['pause', 'stop starting runs until unpaused', (handle, note, signal) => handle.pause(note, { abortSignal: signal })],
    ['unpause', 'start runs again at its cron times', (handle, note, signal) => handle.unpause(note, { abortSignal: signal })],
    ['trigger', 'run it now (its overlap policy still applies)', (handle, _note, signal) => handle.trigger({ abortSignal: signal })],
    ['delete', 'delete it and its stored inputs; the jobs it started stay', (handle, _note, signal) => handle.delete({ abortSignal: signal })],
  ];
  for (const [verb, summary, perform] of actions) {
    const sub = schedule.command(verb).summary(summary).argument('<name>', 'the schedule');
    if (verb === 'pause' || verb === 'unpause') sub.option('--note <text>', 'why, shown with the schedule');
    sub.action(
      act(ctx, async (name: string, flags: { note?: string }, command: Command) => {
        const env = await ctx.environment(command);
        const { JobSchedule } = require('../../client/schedules') as typeof import('../../client/schedules');
        await perform(new JobSchedule(env, name), flags.note, ctx.io.signal);
        ctx.out.line(`schedule ${name}: ${verb === 'delete' ? 'deleted' : verb === 'trigger' ? 'triggered' : `${verb}d`}`);
        return exitCodes.ok;
      }),
    );
  }
}
