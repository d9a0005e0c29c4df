import { submit } from '../../../src/client';
import { InvalidSettingError } from '../../../src/model/errors';
import { azureSdk } from '../../support/azureSdk';
import { waitFor } from '../../support/waitFor';
import { runCli } from '../cli/support/cli';
import { stackEnvironments } from '../support/environments';
import { taskRuns } from './support/taskTimes';

/** Whether Batch has an Azure job by this id: a job that waits on others must hold none. */
async function azureJobExists(jobId: string): Promise<boolean> {
  return azureSdk('local').batch.job.get(jobId).then(
    () => true,
    (error: { statusCode?: number }) => {
      if (error.statusCode === 404) return false;
      throw error;
    },
  );
}

describe('dependencies between jobs', () => {
  const { local: env } = stackEnvironments();

  it('a job after another is Active with its reason and no Azure job until the first succeeded, then runs after it by Batch task times', async () => {
    const first = await submit(env, { command: '/bin/sh -c "sleep 3"' });
    const second = await submit(env, { command: 'true' }, { after: [first] });
    expect(await second.get('JobStatus')).toBe('Active');
    await waitFor(() => second.get('JobStatusReason'), (reason) => reason === `Waiting for ${first.jobId} to succeed (0 of 1 done).`, { what: 'the dependent job to say what it waits for' });
    expect(await azureJobExists(second.jobId)).toBe(false);

    expect(await second.wait()).toBe('Succeeded');
    const [firstRun] = await taskRuns(first.jobId);
    const [secondRun] = await taskRuns(second.jobId);
    expect(secondRun.start).toBeGreaterThanOrEqual(firstRun.end);
  });

  it('refuses a dependency that does not exist, naming it, and creates nothing', async () => {
    const error = await submit(env, { command: 'true' }, { after: ['rb-no-such-job'] }).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(InvalidSettingError);
    expect((error as Error).message).toBe("after names a job that does not exist in Temporal namespace 'default': rb-no-such-job.");
    await expect(submit(env, { command: 'true' }, { after: ['Bad Id'] })).rejects.toThrow(/^after\.jobIds: 'Bad Id' is not a job id/);
    await expect(submit(env, { command: 'true' }, { afterCondition: 'ended' })).rejects.toThrow('afterCondition applies with after');
  });

  it('through the CLI: a job after a failed one fails without running (exit 1), and an array after it on failed runs (exit 0)', async () => {
    const failed = await submit(env, { command: '/bin/sh -c "exit 3"' }, { retryWindowInSeconds: 0 });
    expect(await failed.wait()).toBe('Failed');

    const dependent = await runCli(['submit', '--command', 'true', '--after', failed.jobId, '--wait']);
    expect(dependent.code).toBe(1);
    const dependentId = dependent.stdout.split('\n')[0];
    const reason = await runCli(['status', dependentId, 'JobStatusReason']);
    expect(reason.stdout).toBe(`Dependency ${failed.jobId} failed, so this job (after it succeeded) was not run.\n`);
    expect(await azureJobExists(dependentId)).toBe(false);

    const cleanup = await runCli(['map', '--command', 'true', '--after', failed.jobId, '--after-condition', 'failed', '--wait', '1', '2']);
    expect(cleanup.code).toBe(0);
    const counts = JSON.parse((await runCli(['status', cleanup.stdout.split('\n')[0], 'ChildJobCounts', '--json'])).stdout) as { ChildJobCounts: object };
    expect(counts.ChildJobCounts).toEqual({ active: 0, running: 0, succeeded: 2, failed: 0 });

    const refused = await runCli(['submit', '--command', 'true', '--after', `${failed.jobId},`, '--wait']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('job ids go separated by commas');
  });
});
