import { ArrayJob, BatchJob, createSchedule, InvalidSettingError, JobSchedule, jobObject, listSchedules, ScheduleNotFound } from '../../src/client';
import { runCli } from './cli/support/cli';
import { scheduleStorageIdOf } from '../../src/model/schedules';
import { waitFor } from '../support/waitFor';
import { azureSdk } from '../support/azureSdk';
import { stackEnvironments } from './support/environments';

const run = Date.now().toString(36);

describe('jobs on a schedule', () => {
  const { local: env } = stackEnvironments();

  /** A run's job, once the run has copied the schedule's inputs and started it. */
  const startedJob = (jobId: string) => waitFor(() => jobObject(env, jobId).catch(() => undefined), (job) => job !== undefined, { what: `${jobId} to start` });

  it('runs a job with its name and labels when triggered, tells its next runs, pauses, and deletes with its stored inputs', async () => {
    const name = `nightly-${run}`;
    const schedule = await createSchedule(env, name, { submit: { command: '/bin/sh -c "echo 7 > result.json"' }, options: { name: 'nightly-report', labels: { team: 'vision' } } }, { cron: '0 2 * * *' });
    const described = await schedule.describe();
    expect(described).toMatchObject({ name, cron: ['0 2 * * *'], overlap: 'skip', paused: false, recentJobIds: [] });
    const next = new Date(described.nextRunTimes[0]);
    expect([next.getUTCHours(), next.getUTCMinutes(), next.getTime() > Date.now()]).toEqual([2, 0, true]);

    await schedule.trigger();
    const [jobId] = (await waitFor(() => schedule.describe(), (now) => now.recentJobIds.length === 1, { what: 'the triggered run to start' })).recentJobIds;
    expect(jobId).toMatch(new RegExp(`^rbs-${name}-\\d{4}-\\d{2}-\\d{2}t\\d{2}-\\d{2}-\\d{2}z$`));
    const job = (await startedJob(jobId)) as BatchJob;
    expect(await job.wait()).toBe('Succeeded');
    expect(await job.get('EvaluationResult')).toBe(7);
    expect(await job.get('JobName')).toBe('nightly-report');
    expect(await job.get('JobLabels')).toEqual({ team: 'vision', schedule: name });

    await schedule.pause('maintenance window');
    expect(await schedule.describe()).toMatchObject({ paused: true, note: 'maintenance window' });
    await schedule.unpause();
    expect((await listSchedules(env)).map((listed) => listed.name)).toContain(name);

    await schedule.delete();
    await expect(schedule.describe()).rejects.toThrow(ScheduleNotFound);
    expect(await azureSdk('local').blobs.getContainerClient(`job-${scheduleStorageIdOf(name)}`).exists()).toBe(false);
    // The job it started stays.
    expect(await job.get('JobStatus')).toBe('Succeeded');
  });

  it('runs an array over its stored elements each time, under the overlap policy it was given', async () => {
    const name = `hourly-${run}`;
    const schedule = await createSchedule(env, name, { map: { command: '/bin/sh -c "cat $REMOTE_BATCH_ELEMENT_FILE > result.json"' }, items: [1, 2, 3] }, { cron: '0 * * * *', overlap: 'buffer-one' });
    try {
      expect((await schedule.describe()).overlap).toBe('buffer-one');
      await schedule.trigger();
      const [jobId] = (await waitFor(() => schedule.describe(), (now) => now.recentJobIds.length === 1, { what: 'the triggered run to start' })).recentJobIds;
      const array = (await startedJob(jobId)) as ArrayJob;
      await array.wait();
      expect(await array.get('ChildJobEvaluationResults')).toEqual([1, 2, 3]);
    } finally {
      await schedule.delete();
    }
  });

  it('refuses a bad name, cron or overlap naming the field, creating nothing', async () => {
    await expect(createSchedule(env, 'Nightly Run', { submit: { command: 'true' } }, { cron: '0 2 * * *' })).rejects.toThrow(/^schedule name must be 1 to 30 lowercase letters/);
    await expect(createSchedule(env, `bad-${run}`, { submit: { command: 'true' } }, { cron: 'every night' })).rejects.toThrow(InvalidSettingError);
    await expect(createSchedule(env, `bad-${run}`, { submit: { command: 'true' } }, { cron: '0 2 * * *', overlap: 'never' as never })).rejects.toThrow(/^overlap must be one of skip, buffer-one, allow/);
    expect((await listSchedules(env)).map((listed) => listed.name)).not.toContain(`bad-${run}`);
  });

  it('from the CLI: create with -- map …, list, trigger, pause with a note, delete; an unknown schedule is exit 3', async () => {
    const name = `cli-${run}`;
    const created = await runCli(['schedule', 'create', name, '--cron', '30 3 * * 1', '--overlap', 'allow', '--json', '--', 'map', '--command', 'true', '--name', 'weekly', '1', '2']);
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(created.stdout)).toMatchObject({ name, cron: ['30 3 * * 1'], overlap: 'allow', paused: false });

    const listed = JSON.parse((await runCli(['schedule', 'ls', '--json'])).stdout) as { name: string }[];
    expect(listed.map((schedule) => schedule.name)).toContain(name);
    expect(await runCli(['schedule', 'trigger', name])).toMatchObject({ code: 0, stdout: `schedule ${name}: triggered\n` });
    const schedule = new JobSchedule(env, name);
    const [jobId] = (await waitFor(() => schedule.describe(), (now) => now.recentJobIds.length === 1, { what: 'the triggered run to start' })).recentJobIds;
    await ((await startedJob(jobId)) as ArrayJob).wait();
    expect((await runCli(['status', jobId, 'JobName'])).stdout).toBe('weekly\n');

    expect(await runCli(['schedule', 'pause', name, '--note', 'holidays'])).toMatchObject({ code: 0 });
    expect(await schedule.describe()).toMatchObject({ paused: true, note: 'holidays' });
    expect(await runCli(['schedule', 'delete', name])).toMatchObject({ code: 0 });
    expect(await runCli(['schedule', 'trigger', name])).toMatchObject({ code: 3, stderr: expect.stringContaining(`There is no schedule '${name}'.`) });
    expect(await runCli(['schedule', 'create', `x-${run}`, '--cron', '0 2 * * *', '--', 'submit', '--command', 'true', '--wait'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--wait and --timeout do not apply to a scheduled job'),
    });
  });
});
