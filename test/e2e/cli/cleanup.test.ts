import { batchEnvironment } from '../../../src/client';
import { jobContainerName } from '../../../src/model/conventions';
import { waitFor } from '../../support/waitFor';
import { runCli, stackEnv } from './support/cli';
import { azureSdk } from '../../support/azureSdk';

/** Pool `single`, so a clean of old jobs here touches no other suite's jobs on `local`. */
const env = stackEnv({ REMOTE_BATCH_POOL: 'single' });
const cli = (args: string[], input?: string) => runCli(args, { env, input });

describe('remote-batch delete and clean', () => {
  const client = batchEnvironment({ poolId: 'single' });
  afterAll(() => client.close());

  const containerExists = (jobId: string) => azureSdk(client).blobs.getContainerClient(jobContainerName(jobId)).exists();
  const azureJobExists = async (jobId: string) => (await client.azure().batch.jobFacts(jobId)) !== undefined;

  it('deletes a finished job after asking: its Azure job and container go, its workflow stays unless --workflow', async () => {
    const jobId = (await cli(['submit', '--command', '/bin/sh -c "mkdir -p JobOutput && echo kept > JobOutput/x.txt"', '--wait'])).stdout.split('\n')[0];
    expect(await containerExists(jobId)).toBe(true);

    const unanswered = await cli(['delete', jobId]);
    expect(unanswered.code).toBe(2);
    expect(unanswered.stderr).toContain('nothing was deleted. Pass --yes to delete without asking.');
    const declined = await cli(['delete', jobId], 'n\n');
    expect(declined.code).toBe(0);
    expect(declined.stderr).toContain(`Delete ${jobId}: its Azure job and blob container? [y/N]`);
    expect(await containerExists(jobId)).toBe(true);

    const deleted = await cli(['delete', jobId], 'y\n');
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toBe(`deleted ${jobId} (Azure job deleted, container deleted, workflow kept)\n`);
    expect(await containerExists(jobId)).toBe(false);
    expect(await azureJobExists(jobId)).toBe(false);
    expect((await cli(['status', jobId, 'JobStatus'])).stdout).toBe('Succeeded\n');

    const again = await cli(['delete', jobId, '--yes', '--workflow', '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ jobId, azureJob: 'absent', container: 'absent', workflow: 'deleted' });
    // Temporal deletes a workflow in the background: it reads as not found soon after.
    await waitFor(() => cli(['status', jobId]), (run) => run.code === 3, { timeoutMs: 60_000, what: `${jobId} to be gone`, intervalMs: 500 });
  });

  it('refuses to delete a job in progress (exit 4), leaving everything', async () => {
    const jobId = (await cli(['submit', '--command', 'sleep 30'])).stdout.trim();
    try {
      const run = await cli(['delete', jobId, '--yes']);
      expect(run.code).toBe(4);
      expect(run.stderr).toContain(`${jobId} is still in progress`);
      expect(await containerExists(jobId)).toBe(true);
    } finally {
      await cli(['abort', jobId, '--wait']);
    }
  });

  it('cleans the finished jobs older than an age, by status, with a dry run first', async () => {
    const failed = (await cli(['submit', '--command', '/bin/sh -c "exit 3"', '--wait'])).stdout.split('\n')[0];
    const succeeded = (await cli(['submit', '--command', 'true', '--wait'])).stdout.split('\n')[0];

    const recent = await cli(['clean', '--older-than', '7d', '--dry-run', '--json']);
    expect(JSON.parse(recent.stdout).map((job: { jobId: string }) => job.jobId)).not.toContain(failed);

    const dry = await cli(['clean', '--older-than', '0s', '--status', 'Failed', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(new RegExp(`^${failed} +Single +Failed$`, 'm'));
    expect(dry.stdout).not.toContain(succeeded);
    expect(dry.stderr).toMatch(/would delete \d+ jobs? \(dry run: nothing was deleted\)/);
    expect(await containerExists(failed)).toBe(true);

    const cleaned = await cli(['clean', '--older-than', '0s', '--status', 'Failed', '--workflow'], 'y\n');
    expect(cleaned.code).toBe(0);
    expect(cleaned.stdout).toContain(`deleted ${failed} (Azure job deleted, container deleted, workflow deleted)`);
    expect(await containerExists(failed)).toBe(false);
    expect(await containerExists(succeeded)).toBe(true);
    await waitFor(() => cli(['status', failed]), (run) => run.code === 3, { timeoutMs: 60_000, what: `${failed} to be gone`, intervalMs: 500 });

    const badAge = await cli(['clean', '--older-than', 'a week']);
    expect(badAge.code).toBe(2);
    expect(badAge.stderr).toContain("--older-than 'a week' is not an age");
  });
});
