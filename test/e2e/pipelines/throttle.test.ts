import { mapSubmit, submit } from '../../../src/client';
import { InvalidSettingError } from '../../../src/model/errors';
import { setMaxParallelUpdate } from '../../../src/workflows/messages';
import { waitFor } from '../../support/waitFor';
import { runCli } from '../cli/support/cli';
import { stackEnvironments } from '../support/environments';
import { mostRunningAtOnce, taskRuns } from './support/taskTimes';

/** The array's current details as the Temporal UI shows them. */
async function currentDetails(env: ReturnType<typeof stackEnvironments>['local'], jobId: string): Promise<string> {
  const client = await env.client();
  const metadata = (await client.workflow.getHandle(jobId).query('__temporal_workflow_metadata')) as { currentDetails?: string };
  return metadata.currentDetails ?? '';
}

describe('MaxParallel: the most children of an array running at once, changeable while it runs', () => {
  const { local: env } = stackEnvironments();

  it('holds an array to 3 children at once, by Batch task times, until `remote-batch throttle` raises it to 8 mid-run', async () => {
    const array = await mapSubmit(env, { command: '/bin/sh -c "sleep 2"' }, Array.from({ length: 24 }, (_, at) => at + 1), { settings: { MaxParallel: 3 } });
    expect(await array.get('ProviderSettings')).toMatchObject({ MaxParallel: 3 });
    await waitFor(() => array.get('ChildJobCounts') as Promise<{ succeeded: number }>, (counts) => counts.succeeded >= 6, { timeoutMs: 60_000, what: 'six children to succeed' });
    expect(await currentDetails(env, array.jobId)).toContain('**MaxParallel:** 3 children at once');

    // Refused before it is recorded: the array keeps running under 3.
    const client = await env.client();
    await expect(client.workflow.getHandle(array.jobId).executeUpdate(setMaxParallelUpdate, { args: [0] })).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/^setMaxParallel: MaxParallel must be a whole number from 1/) },
    });
    await expect(array.setMaxParallel(0)).rejects.toThrow(InvalidSettingError);

    const raisedFrom = Date.now();
    const throttled = await runCli(['throttle', array.jobId, '8', '--json']);
    expect(throttled).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(throttled.stdout)).toEqual({ jobId: array.jobId, MaxParallel: 8 });
    expect(await currentDetails(env, array.jobId)).toContain('**MaxParallel:** 8 children at once');
    await array.wait();

    const runs = await taskRuns(array.jobId);
    expect(runs).toHaveLength(24);
    expect(await array.get('ChildJobCounts')).toEqual({ active: 0, running: 0, succeeded: 24, failed: 0 });
    // Every moment before the change was asked for: never more than 3 (and 3 did run together).
    expect(mostRunningAtOnce(runs, (moment) => moment < raisedFrom)).toBe(3);
    // After it: more than 3 at once, never more than 8 (the pool has 8 slots).
    const after = mostRunningAtOnce(runs, (moment) => moment >= raisedFrom);
    expect(after).toBeGreaterThan(3);
    expect(after).toBeLessThanOrEqual(8);

    const status = await runCli(['status', array.jobId, 'ProviderSettings', '--json']);
    expect(JSON.parse(status.stdout).ProviderSettings).toMatchObject({ MaxParallel: 8 });
    const ended = await runCli(['throttle', array.jobId, '2']);
    expect(ended.code).toBe(2);
    expect(ended.stderr).toContain('has ended');
  });

  it('refuses MaxParallel 0, MaxParallel on a single job, and throttle of a single job, naming the setting', async () => {
    await expect(mapSubmit(env, { command: 'true' }, [1, 2], { settings: { MaxParallel: 0 } })).rejects.toThrow(/^MaxParallel must be a whole number from 1 to 100,000/);
    const single = await submit(env, { command: 'true' }, { settings: { MaxParallel: 2 } }).catch((error: InvalidSettingError) => error);
    expect(single).toBeInstanceOf(InvalidSettingError);
    expect((single as InvalidSettingError).setting).toBe('settings.maxParallel');
    expect((single as InvalidSettingError).message).toMatch(/^MaxParallel applies to array jobs/);

    const zero = await runCli(['map', '--command', 'true', '--max-parallel', '0', '1', '2']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('MaxParallel must be a whole number from 1');
    const job = await submit(env, { command: 'true' });
    const notArray = await runCli(['throttle', job.jobId, '3']);
    expect(notArray.code).toBe(2);
    expect(notArray.stderr).toContain('MaxParallel applies to array jobs');
    const bad = await runCli(['throttle', job.jobId, '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('MaxParallel must be a whole number of at least 1, or none');
  });
});
