import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { batchEnvironment, PoolNotFoundError, submit } from '../../src/client';
import { InvalidSettingError } from '../../src/model/errors';
import { ensureTemporalCli } from '../../src/stack/temporalCli';
import { waitForStatus } from './support/jobs';
import { stackEnvironments } from './support/environments';

const fixture = (name: string) => path.join(__dirname, 'fixtures', name);

describe('a single job on the local stack', () => {
  const { local: env } = stackEnvironments();

  it('runs a script job from Active to Succeeded and returns its result and log', async () => {
    const job = await submit(env, { script: fixture('add.ts'), args: [2, 3] }, { settings: { VCPUCount: 2 } });
    const seen = await waitForStatus(job, ['Succeeded', 'Failed']);
    expect(seen[0]).toBe('Active');
    expect(seen[seen.length - 1]).toBe('Succeeded');
    expect(await job.get('EvaluationResult')).toEqual({ sum: 5, processors: 2 });
    expect(await job.get('JobExitCode')).toBe(0);
    expect(await job.get('JobLog')).toContain('adding 2 and 3');
    expect(await job.get('ProviderJobID')).toBe(job.jobId);
    expect(await job.get('ProviderTaskID')).toBe('10000000');
    expect(await job.get('JobStandardErrorLog')).toContain('a warning the job logged');
  });

  it('ends a command job that exits 3 as Failed with exit code 3 and its stderr', async () => {
    const job = await submit(env, { command: '/bin/sh -c "echo working; echo something broke >&2; exit 3"' });
    await waitForStatus(job, ['Succeeded', 'Failed']);
    expect(await job.get('JobStatus')).toBe('Failed');
    expect(await job.get('JobExitCode')).toBe(3);
    expect(await job.get('JobStandardErrorLog')).toContain('something broke');
    expect(await job.get('JobLog')).toContain('working');
    expect(await job.get('JobStatusReason')).toContain('exited with code 3');
  });

  it("gives a command job's result.json as its EvaluationResult", async () => {
    const job = await submit(env, { command: `/bin/sh -c "echo '{\\"answer\\": 42}' > result.json"` });
    await waitForStatus(job, ['Succeeded', 'Failed']);
    expect(await job.get('EvaluationResult')).toEqual({ answer: 42 });
  });

  it('is listed by the provisioned temporal CLI', async () => {
    const job = await submit(env, { command: 'true' });
    await waitForStatus(job, ['Succeeded', 'Failed']);
    const listing = execFileSync(
      ensureTemporalCli(),
      ['workflow', 'list', '--address', process.env.TEMPORAL_ADDRESS!, '--query', `WorkflowId = '${job.jobId}'`],
      { encoding: 'utf8' },
    );
    expect(listing).toContain(job.jobId);
    expect(listing).toContain('singleJob');
  });

  it('refuses an environment without a PoolID, naming it', () => {
    expect(() => batchEnvironment({} as never)).toThrow(/PoolID is required/);
    expect(() => batchEnvironment({ poolId: '' })).toThrow(InvalidSettingError);
  });

  it('refuses an unknown pool, naming it, before anything is created', async () => {
    const nowhere = batchEnvironment({ poolId: 'no-such-pool' });
    try {
      await expect(submit(nowhere, { command: 'true' })).rejects.toThrow(PoolNotFoundError);
      await expect(submit(nowhere, { command: 'true' })).rejects.toThrow("no pool 'no-such-pool'");
    } finally {
      await nowhere.close();
    }
  });

  it('aborts a running job: the process is killed and the reason recorded', async () => {
    const job = await submit(env, { command: '/bin/sh -c "echo started; sleep 60"' });
    await waitForStatus(job, ['Running']);
    expect(await job.abort('no longer needed')).toBe(true);
    await waitForStatus(job, ['Succeeded', 'Failed'], 30_000);
    expect(await job.get('JobStatus')).toBe('Failed');
    expect(await job.get('JobStatusReason')).toMatch(/remote-batch client: no longer needed/);
    expect(await job.abort('again')).toBe(false);
  });
});
