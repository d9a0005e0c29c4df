import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { jobObject, listJobs, submit } from '../../src/client';
import { repoRoot } from '../../src/stack/config';
import { stackEnvironments } from './support/environments';
import { waitForStatus } from './support/jobs';

describe('a single job over its lifecycle', () => {
  const { local, single } = stackEnvironments();

  it('reads JobLog from the node while running and from Blob Storage after', async () => {
    const job = await submit(local, { command: '/bin/sh -c "echo first line; sleep 2; echo last line"' });
    await waitForStatus(job, ['Running']);
    let whileRunning = '';
    for (let i = 0; i < 40 && !whileRunning.includes('first line'); i++) {
      whileRunning = String(await job.get('JobLog'));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(whileRunning).toContain('first line');
    expect(whileRunning).not.toContain('last line');
    expect(await job.get('JobInProgressQ')).toBe(true);
    await waitForStatus(job, ['Succeeded', 'Failed']);
    expect(await job.get('JobLog')).toContain('last line');
    expect(await job.get('JobInProgressQ')).toBe(false);
    expect(await job.get('JobSucceededQ')).toBe(true);
  });

  it('aborts a job while Active: it never runs and ends Failed with the reason', async () => {
    const blocker = await submit(single, { command: '/bin/sh -c "sleep 3"' });
    await waitForStatus(blocker, ['Running']);
    const queued = await submit(single, { command: '/bin/sh -c "echo should not run"' });
    expect(await queued.get('JobStatus')).toBe('Active');
    expect(await queued.abort('changed my mind', { waitForTermination: true })).toBe(true);
    expect(await queued.get('JobStatus')).toBe('Failed');
    expect(await queued.get('JobStatusReason')).toMatch(/remote-batch client: changed my mind/);
    expect(await queued.get('JobLog')).not.toContain('should not run');
    await waitForStatus(blocker, ['Succeeded']);
  });

  it('gives the same properties to a job object made in another process', async () => {
    const job = await submit(local, { command: `/bin/sh -c "echo '[1,2,3]' > result.json; echo from the job"` });
    await waitForStatus(job, ['Succeeded', 'Failed']);
    const script =
      `const { batchEnvironment, jobObject } = require('./src/client');` +
      `(async () => { const env = batchEnvironment({ poolId: 'local' }); const job = await jobObject(env, ${JSON.stringify(job.jobId)});` +
      `console.log(JSON.stringify({ status: await job.get('JobStatus'), result: await job.get('EvaluationResult'), log: await job.get('JobLog'), task: await job.get('ProviderTaskID') }));` +
      `await env.close(); })();`;
    const output = execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: repoRoot, encoding: 'utf8', env: process.env });
    expect(JSON.parse(output.trim().split('\n').pop()!)).toEqual({
      status: 'Succeeded',
      result: [1, 2, 3],
      log: 'from the job\n',
      task: '10000000',
    });
    expect(await (await jobObject(local, job.jobId)).get('JobStatus')).toBe('Succeeded');
  });

  it('finds the running jobs of a pool by search attributes, as the Temporal UI search box does', async () => {
    const job = await submit(local, { command: '/bin/sh -c "sleep 2"' });
    await waitForStatus(job, ['Running']);
    const client = await local.client();
    let found: string[] = [];
    for (let i = 0; i < 50 && !found.includes(job.jobId); i++) {
      found = [];
      for await (const execution of client.workflow.list({ query: `RemoteBatchJobStatus = 'Running' AND RemoteBatchPoolId = 'local'` })) {
        found.push(execution.workflowId);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(found).toContain(job.jobId);
    await waitForStatus(job, ['Succeeded']);
  });

  it('lists the environment jobs by type', async () => {
    const job = await submit(local, { command: 'true' });
    // Temporal's visibility store is eventually consistent: a new job is listed within moments.
    let ids: string[] = [];
    for (let look = 0; look < 50 && !ids.includes(job.jobId); look++) {
      if (look > 0) await new Promise((resolve) => setTimeout(resolve, 100));
      ids = [];
      for await (const listed of listJobs(local, { type: 'Single' })) ids.push(listed.jobId);
    }
    expect(ids).toContain(job.jobId);
    const elsewhere: string[] = [];
    for await (const listed of listJobs(single, { type: 'Single' })) elsewhere.push(listed.jobId);
    expect(elsewhere).not.toContain(job.jobId);
    await waitForStatus(job, ['Succeeded', 'Failed']);
  });

  it('treats an abort after the end as a no-op', async () => {
    const job = await submit(local, { command: 'true' });
    await waitForStatus(job, ['Succeeded']);
    expect(await job.abort('too late')).toBe(false);
    expect(await job.get('JobStatus')).toBe('Succeeded');
  });

  it('has every Single job property', async () => {
    const job = await submit(local, { script: path.join(__dirname, 'fixtures', 'add.ts'), args: [1, 1] });
    await waitForStatus(job, ['Succeeded']);
    const properties = await job.properties();
    expect(properties).toMatchObject({
      JobStatus: 'Succeeded',
      JobType: 'Single',
      Provider: 'AzureBatch',
      JobSucceededQ: true,
      JobFailedQ: false,
      ProviderTaskID: '10000000',
      JobExitCode: 0,
      EvaluationResult: { sum: 2, processors: 1 },
      ProviderSettings: { ContainerImage: 'node:20-slim', JobPriority: 0, VCPUCount: 1 },
    });
    expect(properties.JobSubmissionTime).toBeInstanceOf(Date);
    expect(properties.JobStartTime).toBeInstanceOf(Date);
    expect(properties.JobCompletionTime).toBeInstanceOf(Date);
    const data = properties.EvaluationData as { Messages: { text: string }[]; Timing: { durationMs: number } };
    expect(data.Messages.map((message) => message.text)).toContain('adding 1 and 1');
    expect(data.Timing.durationMs).toBeGreaterThanOrEqual(0);
    await expect(job.get('JobStatu' as never)).rejects.toThrow("Did you mean 'JobStatus'?");
  });
});
