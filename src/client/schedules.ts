import { ScheduleNotFoundError, ScheduleOverlapPolicy } from '@temporalio/client';
import { mapWithConcurrency } from '../model/concurrency';
import { InvalidSettingError, RemoteBatchError } from '../model/errors';
import { parseWorkflowInput, singleJobInputSchema } from '../model/workflowInputs';
import { jobStaticDetails, jobStaticSummary } from '../model/workflowSummary';
import { type Overlap, overlapChoices, scheduledJobIdOf, type ScheduledJobInput, scheduleIdOf, scheduleNameOf, scheduleNameSchema, scheduleStorageIdOf } from '../model/schedules';
import { type OperationOptions, withTemporal } from './abort';
import type { BatchEnvironment } from './environment';
import { planArraySubmission } from './mapSubmit';
import { carryOutSubmission, commonJobInput, jobDescriptionOf, type JobBodySpec, planSubmission } from './submission';
import { checkOptionNames, checkSubmitOptions, type MapSubmitOptions, mapSubmitOptionNames, type SubmitOptions } from './submitOptions';
import { taskQueue } from './temporalSettings';

/** What each run of a schedule submits: a single job, or an array over `items`. */
export type ScheduledJobSpec =
  | { submit: JobBodySpec; options?: Omit<SubmitOptions, 'abortSignal'> }
  | { map: JobBodySpec; items: unknown[]; options?: Omit<MapSubmitOptions, 'abortSignal'> };

export interface ScheduleOptions extends OperationOptions {
  /** Cron expressions (UTC), e.g. '0 2 * * *'. */
  cron: string | string[];
  /** When a run is due while the last one's job is still going: skip it (default), run it once that ends, or run both. */
  overlap?: Overlap;
  /** Create it paused. */
  paused?: boolean;
  /** Why, shown with the schedule. */
  note?: string;
}

export interface ScheduleDescription {
  name: string;
  cron: string[];
  overlap: Overlap;
  paused: boolean;
  note?: string;
  /** The next times it will run (Temporal's own answer). */
  nextRunTimes: string[];
  /** The job ids of its latest runs, oldest first. */
  recentJobIds: string[];
}

export class ScheduleNotFound extends RemoteBatchError {
  constructor(readonly scheduleName: string) {
    super(`There is no schedule '${scheduleName}'.`, 'ScheduleNotFound', 404);
    this.name = 'ScheduleNotFound';
  }
}

const overlapPolicies: Record<Overlap, ScheduleOverlapPolicy> = {
  skip: ScheduleOverlapPolicy.SKIP,
  'buffer-one': ScheduleOverlapPolicy.BUFFER_ONE,
  allow: ScheduleOverlapPolicy.ALLOW_ALL,
};

function overlapOf(policy: ScheduleOverlapPolicy | string | undefined): Overlap {
  return (Object.entries(overlapPolicies).find(([, value]) => value === policy)?.[0] as Overlap | undefined) ?? 'skip';
}

function checkedName(name: unknown): string {
  const parsed = scheduleNameSchema.safeParse(name);
  if (!parsed.success) throw new InvalidSettingError('name', parsed.error.issues[0].message);
  return parsed.data;
}

function checkedSchedule(options: ScheduleOptions): { cron: string[]; overlap: Overlap } {
  const cron = typeof options.cron === 'string' ? [options.cron] : options.cron;
  if (!Array.isArray(cron) || cron.length === 0 || cron.some((expression) => typeof expression !== 'string' || expression.trim().split(/\s+/).length < 5)) {
    throw new InvalidSettingError('cron', `cron must be a cron expression such as '0 2 * * *' (minute hour day month weekday), or a list of them; got ${JSON.stringify(options.cron)}.`);
  }
  const overlap = options.overlap ?? 'skip';
  if (!overlapChoices.includes(overlap)) throw new InvalidSettingError('overlap', `overlap must be one of ${overlapChoices.join(', ')}; got ${JSON.stringify(overlap)}.`);
  return { cron, overlap };
}

/**
 * Stores what each run needs (input files, a script's bundle, an array's
 * elements) under the schedule, and returns the `scheduledJob` input: the
 * job's workflow input without a jobId, labelled `schedule=<name>`.
 */
async function storeScheduledJob(env: BatchEnvironment, name: string, spec: ScheduledJobSpec, signal?: AbortSignal): Promise<ScheduledJobInput> {
  const storageId = scheduleStorageIdOf(name);
  const labelled = <T extends SubmitOptions>(options: T): T => ({ ...options, labels: { ...options.labels, schedule: name } });
  if ('submit' in spec) {
    const options = labelled(checkSubmitOptions(spec.options));
    const plan = { ...planSubmission(spec.submit, options), jobId: storageId };
    const { jobId: _unused, ...job } = commonJobInput(env, plan, options);
    parseWorkflowInput(singleJobInputSchema, { ...job, jobId: storageId });
    await carryOutSubmission(env, plan, signal);
    const description = jobDescriptionOf(env, 'Single', plan, job.name);
    return { schedule: name, workflowType: 'singleJob', job, staticSummary: jobStaticSummary(description), staticDetails: jobStaticDetails(description) };
  }
  const options = labelled(checkOptionNames(spec.options, mapSubmitOptionNames, 'mapSubmit'));
  const prepared = planArraySubmission(env, spec.map, spec.items, options);
  const plan = { ...prepared.plan, jobId: storageId };
  const { jobId: _unused, ...job } = prepared.input;
  await carryOutSubmission(env, plan, signal);
  const storage = env.azure().storage.job(storageId);
  await mapWithConcurrency(prepared.chunks, 8, (lines, chunk) => storage.writeElementChunk(chunk, lines, signal));
  const description = jobDescriptionOf(env, 'Array', plan, job.name, { childCount: prepared.childCount, spanSize: prepared.spanSize });
  return { schedule: name, workflowType: 'arrayJob', job, staticSummary: jobStaticSummary(description), staticDetails: jobStaticDetails(description) };
}

/**
 * A job on a Temporal Schedule: each run submits `spec` as an ordinary job
 * (its own id, the schedule's name and labels plus `schedule=<name>`),
 * visible in the Temporal UI's Schedules page.
 */
export async function createSchedule(env: BatchEnvironment, name: string, spec: ScheduledJobSpec, options: ScheduleOptions): Promise<JobSchedule> {
  const scheduleName = checkedName(name);
  const { cron, overlap } = checkedSchedule(options);
  return withTemporal(env, options.abortSignal, async (client, signal) => {
    const input = await storeScheduledJob(env, scheduleName, spec, signal);
    // Stored for good: the reconciler must not take it for an upload whose job never started.
    await env.azure().storage.job(scheduleStorageIdOf(scheduleName)).markStarted(scheduleIdOf(scheduleName), signal);
    await client.schedule.create({
      scheduleId: scheduleIdOf(scheduleName),
      spec: { cronExpressions: cron },
      action: { type: 'startWorkflow', workflowType: 'scheduledJob', taskQueue, workflowId: scheduleIdOf(scheduleName), args: [input] },
      policies: { overlap: overlapPolicies[overlap] },
      // Temporal keeps a cron as calendar specs: the expressions as given are kept beside them.
      memo: { cron },
      state: { paused: options.paused ?? false, ...(options.note !== undefined ? { note: options.note } : {}) },
    });
    return new JobSchedule(env, scheduleName);
  });
}

/** A schedule by name: describe, pause, unpause, trigger, delete. */
export class JobSchedule {
  constructor(
    private readonly env: BatchEnvironment,
    readonly name: string,
  ) {}

  private handle(signal?: AbortSignal) {
    return withTemporal(this.env, signal, async (client) => client.schedule.getHandle(scheduleIdOf(this.name)));
  }

  private async act<T>(options: OperationOptions, action: (handle: Awaited<ReturnType<JobSchedule['handle']>>) => Promise<T>): Promise<T> {
    try {
      return await action(await this.handle(options.abortSignal));
    } catch (error) {
      if (error instanceof ScheduleNotFoundError) throw new ScheduleNotFound(this.name);
      throw error;
    }
  }

  describe(options: OperationOptions = {}): Promise<ScheduleDescription> {
    return this.act(options, async (handle) => {
      const described = await handle.describe();
      return {
        name: this.name,
        cron: (described.memo?.cron as string[] | undefined) ?? [],
        overlap: overlapOf(described.policies.overlap),
        paused: described.state.paused,
        ...(described.state.note ? { note: described.state.note } : {}),
        nextRunTimes: described.info.nextActionTimes.map((time) => time.toISOString()),
        recentJobIds: described.info.recentActions.map((action) => scheduledJobIdOf(action.action.workflow.workflowId)),
      };
    });
  }

  pause(note?: string, options: OperationOptions = {}): Promise<void> {
    return this.act(options, (handle) => handle.pause(note));
  }

  unpause(note?: string, options: OperationOptions = {}): Promise<void> {
    return this.act(options, (handle) => handle.unpause(note));
  }

  /** Runs it now, whatever its cron says (the overlap policy still applies). */
  trigger(options: OperationOptions = {}): Promise<void> {
    return this.act(options, (handle) => handle.trigger());
  }

  /** Deletes the schedule and its stored inputs; jobs it started are left as they are. */
  async delete(options: OperationOptions = {}): Promise<void> {
    await this.act(options, (handle) => handle.delete());
    await this.env.azure().storage.job(scheduleStorageIdOf(this.name)).delete(options.abortSignal);
  }
}

/** The remote-batch schedules of the namespace, by name. */
export async function listSchedules(env: BatchEnvironment, options: OperationOptions = {}): Promise<ScheduleDescription[]> {
  const names = await withTemporal(env, options.abortSignal, async (client) => {
    const found: string[] = [];
    for await (const summary of client.schedule.list()) {
      const name = scheduleNameOf(summary.scheduleId);
      if (name !== undefined) found.push(name);
    }
    return found.sort();
  });
  return Promise.all(names.map((name) => new JobSchedule(env, name).describe(options)));
}
